"""Celery tasks of flash sales, all on the "flashsale" queue (config.celery_routes).

The beat ticks are cheap: one indexed query for the sales that need work, then one task per sale.
`reservations_drain` only says "drain now": the Stream is the durable record, so a lost or
duplicated message changes nothing (see services.drain). acks_late + reject_on_worker_lost: a
worker killed mid-task gives its message back to the broker, and the Stream entries it held are
claimed by the sweeper.
"""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services
from .selectors import sale_ids_active

logger = logging.getLogger(__name__)

TICK_EXPIRES_SECONDS = 5  # a tick message older than this is dropped: the next tick replaces it


# A lost PostgreSQL connection (failover, a killed backend) is retried at once with backoff rather
# than left to the sweeper's idle timeout; the batch it was writing rolled back as a whole.
@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=0.5,
    retry_backoff_max=5,
    max_retries=5,
)
def reservations_drain(self, sale_id: int) -> int:
    result = services.reservations_drain(sale_id=sale_id)
    if result.read:
        # It may have stopped on its time budget with entries left: go on now instead of waiting
        # for a tick that may sit behind a backlog. The chain ends with a drain that reads nothing;
        # duplicates are harmless because the Stream is the record.
        reservations_drain.apply_async((sale_id,), expires=TICK_EXPIRES_SECONDS)
    return result.ordered


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def reservations_sweep(sale_id: int) -> int:
    return services.reservations_sweep(sale_id=sale_id).ordered


@shared_task(ignore_result=True)
def flash_sales_drain_tick() -> int:
    ids = sale_ids_active()
    for sale_id in ids:
        reservations_drain.apply_async((sale_id,), expires=TICK_EXPIRES_SECONDS)
    return len(ids)


@shared_task(ignore_result=True)
def flash_sales_sweep_tick() -> int:
    ids = sale_ids_active()
    for sale_id in ids:
        reservations_sweep.apply_async((sale_id,), expires=30)
    return len(ids)


@shared_task(ignore_result=True)
def flash_sales_arm_upcoming() -> list[int]:
    return services.flash_sales_arm_upcoming()


@shared_task(ignore_result=True)
def flash_sales_advance() -> dict:
    return services.flash_sales_advance()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def flash_sale_orders_expire() -> int:
    return services.flash_sale_orders_expire()


@shared_task(ignore_result=True)
def flash_sales_reconcile() -> int:
    reports = services.flash_sales_reconcile_active()
    return sum(1 for report in reports if not report.ok)


@shared_task(acks_late=True, ignore_result=True, max_retries=5, default_retry_delay=5)
def reservation_paid_record(order_id: int) -> bool:
    return services.reservation_mark_paid(order_id=order_id)
