"""The base class of every Celery task, which carries the enqueuer's trace id into the task, and a
diagnostic task operators can use to check that a worker runs and sees the trace id it was sent.

The trace id travels as a message header named `trace_id`. A real worker merges custom headers
into the task's request (`self.request.trace_id`); the eager mode of the tests (`apply_async` ->
`apply`) keeps them in `self.request.headers`. `TracedTask` reads both, so a request's trace id
reaches its tasks in both modes.
"""

import logging

import redis
from celery import Task, shared_task
from django.conf import settings

from .context import get_trace_id, new_trace_id, reset_trace_id, set_trace_id

logger = logging.getLogger(__name__)

TRACE_HEADER = "trace_id"
ECHO_TTL_SECONDS = 300


def trace_id_of(request) -> str:
    """The trace id a task request carries, or "" when it carries none."""
    from_attribute = getattr(request, TRACE_HEADER, None)
    if from_attribute:
        return str(from_attribute)
    headers = getattr(request, "headers", None) or {}
    return str(headers.get(TRACE_HEADER) or "")


class TracedTask(Task):
    def apply_async(self, args=None, kwargs=None, **options):
        headers = dict(options.pop("headers", None) or {})
        headers.setdefault(TRACE_HEADER, get_trace_id() or new_trace_id())
        return super().apply_async(args, kwargs, headers=headers, **options)

    def __call__(self, *args, **kwargs):
        # A task called directly as a function (no message) keeps the caller's trace id.
        trace_id = trace_id_of(self.request) or get_trace_id() or new_trace_id()
        token = set_trace_id(trace_id)
        try:
            return super().__call__(*args, **kwargs)
        finally:
            reset_trace_id(token)


@shared_task(ignore_result=True)
def observability_echo_trace(key: str) -> str:
    """Ops probe: SET `key` in Redis to the trace id this task runs with, for ECHO_TTL_SECONDS.

    `observability_echo_trace.apply_async(("probe:1",), queue="orders")` then `GET probe:1` proves a
    worker consumes that queue and that trace ids reach it.
    """
    trace_id = get_trace_id()
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        client.set(key, trace_id, ex=ECHO_TTL_SECONDS)
    finally:
        client.close()
    logger.info("trace echo written", extra={"echo_key": key})
    return trace_id
