from .context import get_trace_id


def trace_id(request):
    return {"trace_id": getattr(request, "trace_id", "") or get_trace_id()}
