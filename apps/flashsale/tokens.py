"""Buyer tokens: the buy path knows who is buying without loading a session from the database.

The sale page (a normal, logged-in request) issues a token: the user id signed with the
SECRET_KEY and a timestamp (django.core.signing). The buy and status endpoints verify it with one
HMAC, in memory. A token expires after FLASHSALE_TOKEN_MAX_AGE_SECONDS; it is not revoked by a
log-out before that (short enough for a sale, and the buyer still needs the session to pay).
"""

from django.conf import settings
from django.core import signing

SALT = "apps.flashsale.buyer"
HEADER = "X-Flash-Token"


def buyer_token_issue(*, user_id: int) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(int(user_id)))


def buyer_token_verify(token: str | None) -> int | None:
    """The user id the token was issued to, or None (missing, forged, malformed or expired)."""
    if not token or len(token) > 200:
        return None
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(
            token, max_age=settings.FLASHSALE_TOKEN_MAX_AGE_SECONDS
        )
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None
