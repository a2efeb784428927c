from config.celery_app import app
from config.celery_routes import route_by_app


def test_a_business_app_task_goes_to_the_queue_named_after_its_app():
    assert route_by_app("apps.orders.tasks.order_create_from_reservation", (), {}, {}) == {"queue": "orders"}


def test_a_public_service_task_goes_to_the_queue_named_after_its_app():
    assert route_by_app("shop.notifications.tasks.notification_send", (), {}, {}) == {
        "queue": "notifications"
    }


def test_a_task_outside_apps_and_shop_is_left_to_the_default_queue():
    assert route_by_app("celery.backend_cleanup", (), {}, {}) is None
    assert route_by_app("apps.orders", (), {}, {}) is None


def test_the_celery_app_routes_through_the_same_function():
    # given the configured app's router
    router = app.amqp.router

    # when it routes tasks of two apps by name
    orders = router.route({}, "apps.orders.tasks.order_expire", (), {})
    notifications = router.route({}, "shop.notifications.tasks.notification_send", (), {})

    # then each lands in its app's queue, and the default queue is "default"
    assert orders["queue"].name == "orders"
    assert notifications["queue"].name == "notifications"
    assert app.conf.task_default_queue == "default"


def test_an_explicit_queue_wins_over_the_route():
    router = app.amqp.router

    route = router.route({"queue": "probe"}, "apps.orders.tasks.order_expire", (), {})

    assert route["queue"].name == "probe"
