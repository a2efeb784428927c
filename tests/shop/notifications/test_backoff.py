from shop.notifications.services import backoff_seconds


def test_backoff_doubles_and_is_capped_at_an_hour():
    assert [backoff_seconds(attempt) for attempt in (1, 2, 3, 4, 5, 9)] == [30, 60, 120, 240, 480, 3600]
