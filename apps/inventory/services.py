"""Every stock change: one conditional UPDATE (checked row count) plus one ledger row.

No row is read and then written back, and nothing here takes `select_for_update`: the WHERE clause
of the UPDATE is the check (`available >= n`), so two buyers racing for the last unit cannot both
win, and the CHECK constraints stand behind it. After our UPDATE the row stays locked by our
transaction until it ends, so reading the counters back for the ledger sees exactly our result.
Lines are applied in variant_id order so two multi-line orders always lock rows in the same order
and cannot deadlock.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F

from apps.catalog.selectors import variant_snapshots_get

from .models import StockItem, StockMovement
from .types import StockLine


class InsufficientStock(Exception):  # noqa: N818 - the contract's name
    def __init__(self, variant_ids: Iterable[int]):
        self.variant_ids = tuple(variant_ids)
        super().__init__(f"not enough stock for variants {list(self.variant_ids)}")


class StockError(Exception):
    """A release, commit or adjustment that the counters cannot cover (a bug or bad input)."""


def _normalised(lines: Iterable[StockLine]) -> list[StockLine]:
    totals: dict[int, int] = {}
    for line in lines:
        if line.quantity <= 0:
            raise StockError(f"quantity must be positive, got {line.quantity}")
        totals[line.variant_id] = totals.get(line.variant_id, 0) + line.quantity
    return [StockLine(variant_id=v, quantity=q) for v, q in sorted(totals.items())]


def _record(
    *, variant_id: int, kind: str, quantity: int, order_ref: str = "", actor_id=None, reason: str = ""
) -> StockMovement:
    item = StockItem.objects.only("id", "available", "reserved", "sold").get(variant_id=variant_id)
    return StockMovement.objects.create(
        stock_item_id=item.pk,
        kind=kind,
        quantity=quantity,
        available_after=item.available,
        reserved_after=item.reserved,
        sold_after=item.sold,
        order_ref=order_ref,
        actor_id=actor_id,
        reason=reason,
    )


def _move(
    *, lines, kind: str, source: str, target: str, order_ref: str, actor_id=None, reason: str = ""
) -> None:
    """Move each line's quantity from counter `source` to counter `target`, all or nothing."""
    short: list[int] = []
    with transaction.atomic():
        for line in _normalised(lines):
            n = line.quantity
            updated = StockItem.objects.filter(variant_id=line.variant_id, **{f"{source}__gte": n}).update(
                **{source: F(source) - n, target: F(target) + n}
            )
            if updated != 1:
                short.append(line.variant_id)
                continue
            _record(
                variant_id=line.variant_id,
                kind=kind,
                quantity=n,
                order_ref=order_ref,
                actor_id=actor_id,
                reason=reason,
            )
        if short:
            # Raising inside the atomic block undoes the lines already moved.
            raise (
                InsufficientStock(short)
                if kind == StockMovement.Kind.RESERVE
                else StockError(f"cannot {kind} variants {short}: counter {source} too low")
            )


def stock_reserve(*, lines: Iterable[StockLine], order_ref: str, actor_id: int | None = None) -> None:
    """available → reserved; raises InsufficientStock naming every short variant."""
    _move(
        lines=lines,
        kind=StockMovement.Kind.RESERVE,
        source="available",
        target="reserved",
        order_ref=order_ref,
        actor_id=actor_id,
    )


def stock_release(*, lines: Iterable[StockLine], order_ref: str, reason: str) -> None:
    """reserved → available (an order cancelled or expired)."""
    _move(
        lines=lines,
        kind=StockMovement.Kind.RELEASE,
        source="reserved",
        target="available",
        order_ref=order_ref,
        reason=reason,
    )


def stock_commit(*, lines: Iterable[StockLine], order_ref: str) -> None:
    """reserved → sold (the order is paid)."""
    _move(lines=lines, kind=StockMovement.Kind.COMMIT, source="reserved", target="sold", order_ref=order_ref)


def stock_restock(*, lines: Iterable[StockLine], order_ref: str, reason: str) -> None:
    """sold → available (refunded before the goods left)."""
    _move(
        lines=lines,
        kind=StockMovement.Kind.RESTOCK,
        source="sold",
        target="available",
        order_ref=order_ref,
        reason=reason,
    )


def _stock_item_ensure(*, variant_id: int) -> None:
    if StockItem.objects.filter(variant_id=variant_id).exists():
        return
    snapshot = variant_snapshots_get(variant_ids=[variant_id]).get(variant_id)
    if snapshot is None:
        raise StockError(f"unknown variant {variant_id}")
    try:
        with transaction.atomic():
            StockItem.objects.create(
                variant_id=variant_id, merchant_id=snapshot.merchant_id, sku=snapshot.sku
            )
    except IntegrityError:
        pass  # a concurrent adjustment created it first; the UPDATE below uses theirs


def stock_adjust(*, variant_id: int, delta: int, actor_id: int | None, reason: str) -> int:
    """Add (delta > 0) or remove (delta < 0) units on hand; returns what is available after.

    Removing more than is available raises StockError and changes nothing.
    """
    if delta == 0:
        raise StockError("an adjustment must change the stock")
    with transaction.atomic():
        _stock_item_ensure(variant_id=variant_id)
        updated = StockItem.objects.filter(variant_id=variant_id, available__gte=max(0, -delta)).update(
            available=F("available") + delta
        )
        if updated != 1:
            raise StockError(
                f"cannot remove {-delta} units from variant {variant_id}: not that many available"
            )
        movement = _record(
            variant_id=variant_id,
            kind=StockMovement.Kind.ADJUST,
            quantity=delta,
            actor_id=actor_id,
            reason=reason,
        )
    return movement.available_after
