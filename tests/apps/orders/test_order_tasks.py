from django.conf import settings

from config.celery_app import app


def test_the_expiry_task_is_scheduled_every_minute_and_routed_to_the_orders_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["orders-expire-unpaid"]
    assert entry == {"task": "apps.orders.tasks.orders_expire_unpaid", "schedule": 60.0}
    app.loader.import_default_modules()
    assert "apps.orders.tasks.orders_expire_unpaid" in app.tasks
    from config.celery_routes import route_by_app

    assert route_by_app(entry["task"], (), {}, {}) == {"queue": "orders"}
