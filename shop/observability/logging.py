import logging

from .context import get_trace_id


def _trace_id_of_record(record: logging.LogRecord) -> str:
    trace_id = get_trace_id()
    if trace_id:
        return trace_id
    # django.request logs a 4xx/5xx response after the middleware has returned; the request it
    # passes in `extra` still carries the id.
    trace_id = getattr(getattr(record, "request", None), "trace_id", "")
    if trace_id:
        return trace_id
    # Celery logs a task's outcome after the task body (and its trace context) has finished.
    from celery import current_task

    from .tasks import trace_id_of

    if current_task:
        return trace_id_of(current_task.request)
    return ""


class TraceIdFilter(logging.Filter):
    """Puts `trace_id` on every record (None outside any request or task), for the JSON formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "trace_id", None):
            record.trace_id = _trace_id_of_record(record) or None
        return True
