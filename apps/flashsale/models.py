"""Flash sales and the reservations their buyers won.

`FlashSale.units_left_db` is PostgreSQL's count of the sale's units not yet turned into orders;
it only moves by conditional UPDATE (services) and the CHECK constraints stand behind it, so a bug
can fail a transaction but never sell a unit twice. Redis holds the hot copy (`fs:{id}:stock`) that
buyers race for; reconciliation compares the two (docs/flashsale.md).

A `Reservation` row is written by the worker that turns a Stream entry into an order, in the same
transaction as the order: its unique `reservation_id` makes a redelivered entry a no-op.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shop.accounts.models import Merchant
from shop.core.money import CurrencyField, MoneyField


class FlashSaleState(models.TextChoices):
    DRAFT = "draft", _("scheduled")
    ARMED = "armed", _("armed")
    LIVE = "live", _("live")
    PAUSED = "paused", _("paused")
    ENDED = "ended", _("ended")


class FlashSale(models.Model):
    State = FlashSaleState

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="flash_sales")
    title = models.CharField(_("title"), max_length=200)
    variant_id = models.BigIntegerField(_("variant id"), db_index=True)
    sale_price = MoneyField(verbose_name=_("sale price"))
    currency = CurrencyField(verbose_name=_("currency"), default="USD")
    units = models.PositiveIntegerField(_("units"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    per_buyer_limit = models.PositiveSmallIntegerField(_("limit per buyer"), default=1)
    payment_timeout_minutes = models.PositiveSmallIntegerField(_("minutes to pay"), default=15)
    state = models.CharField(
        _("state"), max_length=10, choices=FlashSaleState.choices, default=FlashSaleState.DRAFT
    )
    # Units not yet turned into orders (PostgreSQL's side of the stock; Redis holds the hot copy).
    units_left_db = models.IntegerField(_("units left (database)"), default=0)
    # Units handed back to the variant's ordinary stock (what was left at the end, later expiries).
    units_returned = models.IntegerField(_("units returned to stock"), default=0)
    armed_at = models.DateTimeField(_("armed at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("flash sale")
        verbose_name_plural = _("flash sales")
        indexes = [models.Index(fields=["state", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=1), name="flashsale_units_positive"),
            models.CheckConstraint(condition=Q(sale_price__gt=0), name="flashsale_price_positive"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="flashsale_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(per_buyer_limit__gte=1), name="flashsale_limit_positive"),
            models.CheckConstraint(
                condition=Q(payment_timeout_minutes__gte=1), name="flashsale_timeout_positive"
            ),
            models.CheckConstraint(
                condition=Q(units_left_db__gte=0) & Q(units_left_db__lte=F("units")),
                name="flashsale_units_left_within_units",
            ),
            models.CheckConstraint(
                condition=Q(units_returned__gte=0) & Q(units_returned__lte=F("units")),
                name="flashsale_units_returned_within_units",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def order_ref(self) -> str:
        """The inventory reference of the units set aside for this sale."""
        return f"flashsale:{self.pk}"


class ReservationStatus(models.TextChoices):
    PENDING = "pending", _("creating your order")
    ORDERED = "ordered", _("order created")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("expired")


class Reservation(models.Model):
    Status = ReservationStatus

    reservation_id = models.CharField(_("reservation id"), max_length=64, unique=True)
    sale = models.ForeignKey(FlashSale, on_delete=models.PROTECT, related_name="reservations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.PENDING
    )
    order_id = models.BigIntegerField(_("order id"), null=True, blank=True)
    order_number = models.CharField(_("order number"), max_length=20, blank=True)
    failure_reason = models.CharField(_("reason"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("pay before"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # When Redis admitted the buyer (the Stream entry's time) and when the order was written.
    admitted_at = models.DateTimeField(_("admitted at"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-admitted_at", "-id"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [
            models.Index(fields=["sale", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="reservation_quantity_positive")
        ]

    def __str__(self) -> str:
        return self.reservation_id
