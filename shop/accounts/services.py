"""Writes of the accounts app: shopper sign-up, profile and address book.

Addresses and phone numbers are personal data: log lines here carry ids only, never their content.
"""

import logging

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shop.accounts.models import Address, User
from shop.accounts.signals import user_signed_up

logger = logging.getLogger(__name__)

ADDRESS_FIELDS = ("full_name", "line1", "line2", "city", "postal_code", "country", "phone")

DUPLICATE_EMAIL_MESSAGE = _("An account with this e-mail address already exists.")


def email_normalise(email: str) -> str:
    return email.strip().lower()


def user_create(*, email: str, password: str, full_name: str = "") -> User:
    """Create a shopper account. Raises ValidationError keyed by "email" or "password"."""
    email = email_normalise(email)
    full_name = full_name.strip()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [DUPLICATE_EMAIL_MESSAGE]})
    user = User(email=email, full_name=full_name)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            transaction.on_commit(lambda: user_signed_up.send(sender=User, user_id=user.pk))
    except IntegrityError as exc:
        # Two sign-ups with one e-mail in the same instant: the unique index decides.
        raise ValidationError({"email": [DUPLICATE_EMAIL_MESSAGE]}) from exc
    logger.info("user created", extra={"user_id": user.pk})
    return user


def user_update_profile(*, user: User, full_name: str) -> User:
    user.full_name = full_name.strip()
    user.save(update_fields=["full_name"])
    return user


def _user_lock(*, user_id: int) -> None:
    # Every address write of one user takes this row lock first, so two concurrent writes cannot
    # both see "no default yet" and leave the user with two defaults (or none).
    User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True).first()


def _address_make_default(*, user_id: int, address_id: int) -> None:
    Address.objects.filter(user_id=user_id, is_default=True).exclude(pk=address_id).update(is_default=False)
    Address.objects.filter(user_id=user_id, pk=address_id).update(is_default=True)


@transaction.atomic
def address_create(
    *,
    user: User,
    full_name: str,
    line1: str,
    city: str,
    postal_code: str,
    country: str,
    line2: str = "",
    phone: str = "",
    make_default: bool = False,
) -> Address:
    """Add an address; the user's first address, or one asked to be, becomes the default."""
    _user_lock(user_id=user.pk)
    is_first = not Address.objects.filter(user_id=user.pk).exists()
    address = Address(
        user=user,
        full_name=full_name,
        line1=line1,
        line2=line2,
        city=city,
        postal_code=postal_code,
        country=country.upper(),
        phone=phone,
    )
    address.full_clean()
    address.save()
    if is_first or make_default:
        _address_make_default(user_id=user.pk, address_id=address.pk)
        address.is_default = True
    logger.info("address created", extra={"user_id": user.pk, "address_id": address.pk})
    return address


@transaction.atomic
def address_update(*, user: User, address_id: int, **fields: str) -> Address:
    """Change an address of this user. Raises Address.DoesNotExist for anyone else's address."""
    unknown = set(fields) - set(ADDRESS_FIELDS)
    if unknown:
        raise TypeError(f"address_update() got unexpected fields: {sorted(unknown)}")
    _user_lock(user_id=user.pk)
    address = Address.objects.get(pk=address_id, user_id=user.pk)
    for name, value in fields.items():
        setattr(address, name, value)
    address.country = address.country.upper()
    address.full_clean()
    address.save(update_fields=[*fields, "country"] if fields else None)
    logger.info("address updated", extra={"user_id": user.pk, "address_id": address.pk})
    return address


@transaction.atomic
def address_delete(*, user: User, address_id: int) -> None:
    """Delete an address of this user; if it was the default, the newest other one takes over."""
    _user_lock(user_id=user.pk)
    address = Address.objects.get(pk=address_id, user_id=user.pk)
    was_default = address.is_default
    address.delete()
    if was_default:
        successor = Address.objects.filter(user_id=user.pk).order_by("-created_at", "-pk").first()
        if successor is not None:
            _address_make_default(user_id=user.pk, address_id=successor.pk)
    logger.info("address deleted", extra={"user_id": user.pk, "address_id": address_id})


@transaction.atomic
def address_set_default(*, user: User, address_id: int) -> Address:
    """Make this address the user's only default. Raises Address.DoesNotExist for anyone else's."""
    _user_lock(user_id=user.pk)
    address = Address.objects.get(pk=address_id, user_id=user.pk)
    _address_make_default(user_id=user.pk, address_id=address.pk)
    address.is_default = True
    logger.info("default address set", extra={"user_id": user.pk, "address_id": address.pk})
    return address
