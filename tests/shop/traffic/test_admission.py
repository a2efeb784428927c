from shop.traffic.admission import InFlightLimiter


def test_only_limit_requests_are_admitted_at_once_and_slots_come_back():
    limiter = InFlightLimiter(limit=2)
    with limiter.slot() as first, limiter.slot() as second, limiter.slot() as third:
        assert (first, second, third) == (True, True, False)
    with limiter.slot() as again:
        assert again is True


def test_zero_limit_admits_everything():
    limiter = InFlightLimiter(limit=0)
    with limiter.slot() as a, limiter.slot() as b:
        assert (a, b) == (True, True)
