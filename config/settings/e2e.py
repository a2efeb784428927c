"""Settings of the real processes that the end-to-end tests start (tests/e2e): gunicorn, Celery
worker and beat, and the management commands they run, against the pytest-django test database
(DATABASE_URL) and the test's Redis (REDIS_URL).

The test settings with two differences: tasks go through the broker to a real worker (not eager),
and beat runs only the flash-sale ticks the tests rely on (drain, sweep, expiry) at short
intervals, so no periodic reconciliation rebuilds Redis behind a test's back. Never used in
production.
"""

from .test import *  # noqa: F403
from .test import env

CELERY_TASK_ALWAYS_EAGER = False
# The payment sandbox's notification goes over HTTP to the running server (SHOP_SITE_URL).
SHOP_PAYMENT_SANDBOX_DELIVERY = "apps.payments.providers.sandbox.notification_deliver_http"
SHOP_SITE_URL = env.str("SHOP_SITE_URL", default="http://127.0.0.1:8000")
CELERY_BEAT_SCHEDULE = {
    "flashsale-drain": {
        "task": "apps.flashsale.tasks.flash_sales_drain_tick",
        "schedule": env.float("E2E_DRAIN_TICK_SECONDS", default=0.5),
    },
    "flashsale-sweep": {
        "task": "apps.flashsale.tasks.flash_sales_sweep_tick",
        "schedule": env.float("E2E_SWEEP_TICK_SECONDS", default=1.0),
    },
    "flashsale-expire": {
        "task": "apps.flashsale.tasks.flash_sale_orders_expire",
        "schedule": env.float("E2E_EXPIRE_TICK_SECONDS", default=1.0),
    },
}
