"""Signed server-to-server notifications (carrier tracking, payment providers).

Header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of f"{t}." + raw body>` keyed with a shared secret.
The timestamp is signed with the body, so an old notification cannot be replayed after the
tolerance, and a notification from the future is refused. Several `v1=` values may be sent (secret
rotation); one match is enough. Comparison is constant-time.

    header = sign(secret, int(time.time()), body)
    timestamp = verify(secret, header, body)          # raises SignatureError subclasses
"""

import hashlib
import hmac
import time

DEFAULT_TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """Base class: the notification must be refused (answer 400)."""


class MalformedSignature(SignatureError):  # noqa: N818
    pass


class SignatureMismatch(SignatureError):  # noqa: N818
    pass


class TimestampOutsideTolerance(SignatureError):  # noqa: N818
    pass


def _as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def signature(secret: str | bytes, timestamp: int, body: str | bytes) -> str:
    """The hex HMAC-SHA256 of f"{timestamp}." + body."""
    payload = f"{int(timestamp)}.".encode() + _as_bytes(body)
    return hmac.new(_as_bytes(secret), payload, hashlib.sha256).hexdigest()


def sign(secret: str | bytes, timestamp: int, body: str | bytes) -> str:
    """The header value for `body` sent at `timestamp` (unix seconds)."""
    return f"t={int(timestamp)},v1={signature(secret, timestamp, body)}"


def parse_header(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            if not value.isdigit():
                raise MalformedSignature("the signature timestamp is not a number")
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value.strip())
    if timestamp is None or not signatures:
        raise MalformedSignature("the signature header needs t=<timestamp>,v1=<signature>")
    return timestamp, signatures


def verify(
    secret: str | bytes,
    header: str,
    body: str | bytes,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> int:
    """Check `header` against `body`; return the signed timestamp or raise a SignatureError."""
    if not secret:
        raise SignatureMismatch("no secret is configured")
    timestamp, signatures = parse_header(header)
    current = int(time.time() if now is None else now)
    if timestamp > current:
        raise TimestampOutsideTolerance("the signature timestamp is in the future")
    if current - timestamp > tolerance:
        raise TimestampOutsideTolerance("the signature timestamp is too old")
    expected = signature(secret, timestamp, body)
    # compare_digest against every candidate, without stopping early on a match.
    matches = [hmac.compare_digest(expected, candidate) for candidate in signatures]
    if not any(matches):
        raise SignatureMismatch("the signature does not match the body")
    return timestamp
