import io
import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter


@pytest.fixture
def json_log_lines():
    """The log lines emitted during the test, formatted by the handler settings.LOGGING configured
    on the root logger (JSON with the trace id filter), each parsed back into a dict."""
    root = logging.getLogger()
    configured = next(h for h in root.handlers if isinstance(h.formatter, JsonFormatter))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configured.formatter)
    for log_filter in configured.filters:
        handler.addFilter(log_filter)
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
