"""BENCHMARK ONLY: the production settings plus the naive-checkout baseline's URL.

Used by benchmarks/flashsale/bench_flashsale.py for its gunicorn, Celery and manage.py processes;
no deployment uses this module, so the baseline is never routed in production.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchmarks.flashsale.urls"
