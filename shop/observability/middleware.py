from .context import reset_trace_id, sanitize_trace_id, set_trace_id

TRACE_HEADER = "X-Request-ID"


class TraceIdMiddleware:
    """Gives every request one trace id: the client's X-Request-ID if sane, else a new one. It is in
    every log line, every task the request enqueues, the response header and the 500 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        trace_id = sanitize_trace_id(request.headers.get(TRACE_HEADER))
        request.trace_id = trace_id
        token = set_trace_id(trace_id)
        try:
            response = self.get_response(request)
        finally:
            reset_trace_id(token)
        response[TRACE_HEADER] = trace_id
        return response
