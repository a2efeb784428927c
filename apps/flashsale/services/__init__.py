"""Write side of flash sales (the app's public face): arming, admission, draining, expiry,
reconciliation. See docs/flashsale.md."""

from .admission import flash_sale_admit
from .arming import (
    flash_sale_arm,
    flash_sale_close,
    flash_sale_end_extend,
    flash_sale_pause,
    flash_sale_redis_rebuild,
    flash_sale_resume,
    flash_sales_advance,
    flash_sales_arm_upcoming,
)
from .drain import reservations_drain, reservations_drain_all, reservations_sweep
from .errors import FlashSaleError, FlashSaleNotFound
from .expiry import flash_sale_orders_expire, reservation_expire, reservation_mark_paid
from .reconcile import flash_sale_reconcile, flash_sales_reconcile_active

__all__ = [
    "FlashSaleError",
    "FlashSaleNotFound",
    "flash_sale_admit",
    "flash_sale_arm",
    "flash_sale_close",
    "flash_sale_end_extend",
    "flash_sale_orders_expire",
    "flash_sale_pause",
    "flash_sale_reconcile",
    "flash_sale_redis_rebuild",
    "flash_sale_resume",
    "flash_sales_advance",
    "flash_sales_arm_upcoming",
    "flash_sales_reconcile_active",
    "reservation_expire",
    "reservation_mark_paid",
    "reservations_drain",
    "reservations_drain_all",
    "reservations_sweep",
]
