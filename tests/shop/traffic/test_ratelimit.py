from shop.traffic.ratelimit import TokenBucketLimiter


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_bucket_allows_burst_then_refuses_until_it_refills():
    # given a bucket of 3 refilling 2 tokens a second
    clock = FakeClock()
    limiter = TokenBucketLimiter(rate=2, burst=3, clock=clock)
    # when 4 requests arrive at the same instant
    answers = [limiter.allow("user:1") for _ in range(4)]
    # then the burst passes and the 4th is refused
    assert answers == [True, True, True, False]
    # when half a second passes (1 token back)
    clock.now += 0.5
    assert [limiter.allow("user:1"), limiter.allow("user:1")] == [True, False]


def test_keys_have_separate_buckets():
    clock = FakeClock()
    limiter = TokenBucketLimiter(rate=1, burst=1, clock=clock)
    assert limiter.allow("ip:a") is True
    assert limiter.allow("ip:a") is False
    assert limiter.allow("ip:b") is True


def test_zero_rate_disables_the_limiter():
    limiter = TokenBucketLimiter(rate=0, burst=1)
    assert all(limiter.allow("k") for _ in range(1000))
    assert len(limiter) == 0


def test_memory_is_bounded_by_max_keys_dropping_the_least_recently_used():
    clock = FakeClock()
    limiter = TokenBucketLimiter(rate=1, burst=1, max_keys=2, clock=clock)
    limiter.allow("a")
    limiter.allow("b")
    limiter.allow("c")
    assert len(limiter) == 2
    # "a" was dropped, so it starts with a full bucket again
    assert limiter.allow("a") is True
    assert limiter.allow("c") is False
