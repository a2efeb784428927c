"""The current trace id, carried by a contextvar so threads, requests and tasks never mix them."""

import re
import uuid
from contextvars import ContextVar

_trace_id: ContextVar[str] = ContextVar("trace_id", default="")

# A client-supplied X-Request-ID is reused only if it looks like an id: no spaces, no control
# characters, nothing that could forge a log line.
_SANE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def new_trace_id() -> str:
    return uuid.uuid4().hex


def sanitize_trace_id(candidate: str | None) -> str:
    if candidate and _SANE.match(candidate):
        return candidate
    return new_trace_id()


def get_trace_id() -> str:
    return _trace_id.get()


def set_trace_id(value: str):
    return _trace_id.set(value)


def reset_trace_id(token) -> None:
    _trace_id.reset(token)
