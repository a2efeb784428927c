"""The base class of every Celery task: carries the enqueuer's trace id into the task."""

from celery import Task

from .context import get_trace_id, new_trace_id, reset_trace_id, set_trace_id

TRACE_HEADER = "trace_id"


class TracedTask(Task):
    def apply_async(self, args=None, kwargs=None, **options):
        headers = dict(options.pop("headers", None) or {})
        headers.setdefault(TRACE_HEADER, get_trace_id() or new_trace_id())
        return super().apply_async(args, kwargs, headers=headers, **options)

    def __call__(self, *args, **kwargs):
        request = self.request
        trace_id = getattr(request, TRACE_HEADER, None) or (request.headers or {}).get(TRACE_HEADER)
        token = set_trace_id(trace_id or new_trace_id())
        try:
            return super().__call__(*args, **kwargs)
        finally:
            reset_trace_id(token)
