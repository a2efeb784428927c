import hashlib
import hmac

import pytest

from shop.core.signing import (
    MalformedSignature,
    SignatureError,
    SignatureMismatch,
    TimestampOutsideTolerance,
    sign,
    verify,
)

SECRET = "s3cret"
BODY = b'{"tracking_number": "JD1"}'
NOW = 1_750_000_000


def test_sign_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(b"s3cret", b"1750000000." + BODY, hashlib.sha256).hexdigest()

    assert sign(SECRET, NOW, BODY) == f"t=1750000000,v1={expected}"


def test_verify_returns_the_signed_timestamp():
    assert verify(SECRET, sign(SECRET, NOW - 10, BODY), BODY, now=NOW) == NOW - 10


def test_verify_accepts_exactly_the_tolerance_and_refuses_one_second_more():
    assert verify(SECRET, sign(SECRET, NOW - 300, BODY), BODY, now=NOW) == NOW - 300
    with pytest.raises(TimestampOutsideTolerance, match="too old"):
        verify(SECRET, sign(SECRET, NOW - 301, BODY), BODY, now=NOW)


def test_verify_refuses_a_timestamp_from_the_future():
    with pytest.raises(TimestampOutsideTolerance, match="future"):
        verify(SECRET, sign(SECRET, NOW + 1, BODY), BODY, now=NOW)


def test_verify_refuses_a_changed_body_and_a_wrong_secret():
    header = sign(SECRET, NOW, BODY)

    with pytest.raises(SignatureMismatch):
        verify(SECRET, header, BODY.replace(b"JD1", b"JD2"), now=NOW)
    with pytest.raises(SignatureMismatch):
        verify("other", header, BODY, now=NOW)


def test_verify_accepts_any_of_several_signatures_for_secret_rotation():
    header = f"{sign('old-secret', NOW, BODY)},v1={sign(SECRET, NOW, BODY).split('v1=')[1]}"

    assert verify(SECRET, header, BODY, now=NOW) == NOW


@pytest.mark.parametrize("header", ["", "t=abc,v1=00", "v1=00", f"t={NOW}", "garbage"])
def test_verify_refuses_a_malformed_header(header):
    with pytest.raises(MalformedSignature):
        verify(SECRET, header, BODY, now=NOW)


def test_every_error_is_a_signature_error():
    assert issubclass(MalformedSignature, SignatureError)
    assert issubclass(SignatureMismatch, SignatureError)
    assert issubclass(TimestampOutsideTolerance, SignatureError)
