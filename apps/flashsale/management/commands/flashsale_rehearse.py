"""Rehearse a flash sale against a running deployment and print the capacity it measured.

    manage.py flashsale_rehearse --url http://127.0.0.1:8000 --buyers 1500 --units 1473 \
        [--rate 5000] [--variant 42] [--web-processes 4] [--workers 2] [--limit 1] [--keep]

Runs with the deployment's settings (its PostgreSQL and Redis, its SECRET_KEY for buyer tokens):
1. adds M units to the variant's stock and creates a sale "REHEARSAL <stamp>" of those M units,
   live now, and arms it (Redis loaded);
2. creates N buyers `rehearsal-<stamp>-<n>@rehearsal.invalid` (no usable password) and their tokens;
3. fires the N buyers at once (one thread each, up to --concurrency) at URL's JSON buy endpoint,
   each request timed;
4. waits for the deployment's Celery workers to turn every reservation into an order;
5. prints admitted/s, p50/p99, the time from the first request to the last order, orders = units,
   and the web processes and workers that would sustain --rate (from the measured per-process
   throughput: answered requests/s ÷ --web-processes, orders/s ÷ --workers);
6. cleans up (unless --keep): closes the sale, cancels its orders (their units go back to
   available), takes the M added units out again and deactivates the buyers. What stays is the
   sale titled REHEARSAL, its reservations and the cancelled orders, as a record.

The target's per-IP limit applies to a rehearsal fired from one machine: raise
FLASHSALE_IP_RATE_PER_SECOND/BURST for it or expect 429s (they are counted, not hidden).
Only the given URL is a target; every request has a timeout and the run ends by itself.
"""

import contextlib
import http.client
import json
import math
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, Max, Min, Sum
from django.urls import reverse
from django.utils import timezone

from apps.catalog.selectors import variant_snapshots_get
from apps.flashsale.management.commands.flashsale_seed_buyers import buyers_seed
from apps.flashsale.models import FlashSale, Reservation, ReservationStatus
from apps.flashsale.services import FlashSaleError, flash_sale_arm, flash_sale_close
from apps.flashsale.tokens import HEADER
from apps.inventory.services import StockError, stock_adjust
from apps.orders.services import IllegalTransition, order_cancel

REHEARSAL_PREFIX = "REHEARSAL"
REQUEST_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Shot:
    """One buy request: HTTP status (0 when the transport failed), the JSON error code or the
    exception's name, the reservation id when admitted, when it started and how long it took."""

    status: int
    error: str
    reservation_id: str
    started: float
    seconds: float


def _post(host: str, port: int, path: str, token: str, body: bytes, timeout: float) -> Shot:
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(
            "POST", path, body=body, headers={HEADER: token, "Content-Type": "application/json"}
        )
        response = connection.getresponse()
        raw = response.read()
        status = response.status
    except (OSError, http.client.HTTPException) as exc:
        return Shot(0, type(exc).__name__, "", started, time.monotonic() - started)
    finally:
        connection.close()
    seconds = time.monotonic() - started
    try:
        data = json.loads(raw)
    except ValueError:
        data = {}
    data = data if isinstance(data, dict) else {}
    return Shot(status, str(data.get("error", "")), str(data.get("reservation_id", "")), started, seconds)


def buys_fire(
    *,
    base_url: str,
    sale_id: int,
    tokens: list[str],
    quantity: int = 1,
    concurrency: int | None = None,
    timeout: float = REQUEST_TIMEOUT_SECONDS,
) -> list[Shot]:
    """POST one buy per token to base_url's buy endpoint of the sale, `concurrency` threads (default:
    one per token) released together by a barrier, so the first wave arrives at the same moment.
    Returns the shots in token order. Bounded: each request has `timeout`."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError("the URL must be http://host[:port]")
    host, port = parts.hostname, parts.port or 80
    path = parts.path.rstrip("/") + reverse("flashsale_api:buy", args=[sale_id])
    body = json.dumps({"quantity": quantity}).encode()
    threads = max(1, min(concurrency or len(tokens), len(tokens)))
    shots: list[Shot | None] = [None] * len(tokens)
    next_index = iter(range(len(tokens)))
    index_lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def run() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=60)
        while True:
            with index_lock:
                index = next(next_index, None)
            if index is None:
                return
            shots[index] = _post(host, port, path, tokens[index], body, timeout)

    previous = threading.stack_size(256 * 1024)
    try:
        pool = [threading.Thread(target=run, daemon=True) for _ in range(threads)]
    finally:
        threading.stack_size(previous)
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout * len(tokens) / threads + 90)
    return [shot or Shot(0, "not_sent", "", 0.0, 0.0) for shot in shots]


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


@dataclass(frozen=True)
class Measurement:
    requests: int
    outcomes: dict[str, int]
    admitted: int
    errors: int
    wall_seconds: float
    answered_per_second: float
    admitted_per_second: float
    p50_ms: float
    p99_ms: float
    orders: int
    units: int
    last_order_seconds: float | None
    drain_per_second: float | None


def shots_summarise(shots: list[Shot]) -> tuple[Counter, float]:
    outcomes = Counter(
        "admitted" if s.status == 202 else (s.error or f"http_{s.status}") if s.status else f"error:{s.error}"
        for s in shots
    )
    sent = [s for s in shots if s.started]
    wall = (max(s.started + s.seconds for s in sent) - min(s.started for s in sent)) if sent else 0.0
    return outcomes, wall


class Command(BaseCommand):
    help = (
        "Create a rehearsal flash sale, fire N concurrent distinct buyers at a running deployment's buy "
        "endpoint, wait for the orders and print admitted/s, p50/p99, time to the last order, "
        "orders = units and the web processes and workers needed for --rate. Cleans up unless --keep."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help="the deployment, e.g. http://127.0.0.1:8000")
        parser.add_argument("--buyers", type=int, required=True)
        parser.add_argument("--units", type=int, required=True)
        parser.add_argument(
            "--rate", type=float, default=None, help="buy requests/s to size for (default: all buyers in 1 s)"
        )
        parser.add_argument(
            "--variant", type=int, default=None, help="variant to sell (default: last sale's)"
        )
        parser.add_argument("--limit", type=int, default=1, help="units per buyer")
        parser.add_argument("--concurrency", type=int, default=None, help="client threads (default: buyers)")
        parser.add_argument("--web-processes", type=int, default=1, help="web processes serving URL")
        parser.add_argument("--workers", type=int, default=1, help="Celery worker processes on 'flashsale'")
        parser.add_argument("--wait", type=float, default=120.0, help="seconds to wait for the orders")
        parser.add_argument("--keep", action="store_true", help="leave the sale and its orders as they are")

    def handle(self, *args, **opts):
        if opts["buyers"] < 1 or opts["units"] < 1 or opts["limit"] < 1:
            raise CommandError("--buyers, --units and --limit must be at least 1")
        if opts["web_processes"] < 1 or opts["workers"] < 1:
            raise CommandError("--web-processes and --workers must be at least 1")
        stamp = timezone.now().strftime("%Y%m%d%H%M%S")
        sale = self._sale_create(
            stamp=stamp, units=opts["units"], limit=opts["limit"], variant=opts["variant"]
        )
        self.stdout.write(f"rehearsal sale {sale.pk} ({sale.title}): {sale.units} units, armed")
        buyers = buyers_seed(count=opts["buyers"], prefix=f"rehearsal-{stamp}-", domain="rehearsal.invalid")
        try:
            measurement = self._run(sale, [token for _user, token in buyers], opts)
            self._report(measurement, opts)
        finally:
            if not opts["keep"]:
                self._clean_up(sale, [user_id for user_id, _token in buyers])
        if measurement.errors or measurement.orders != min(measurement.admitted, sale.units):
            raise CommandError("the rehearsal saw errors or lost orders", returncode=1)

    def _sale_create(self, *, stamp: str, units: int, limit: int, variant: int | None) -> FlashSale:
        variant_id = variant or FlashSale.objects.order_by("-pk").values_list("variant_id", flat=True).first()
        if variant_id is None:
            raise CommandError("pass --variant: there is no earlier sale to take a variant from")
        snapshot = variant_snapshots_get(variant_ids=[variant_id]).get(variant_id)
        if snapshot is None:
            raise CommandError(f"there is no variant {variant_id}")
        try:
            stock_adjust(variant_id=variant_id, delta=units, actor_id=None, reason="flash sale rehearsal")
        except StockError as exc:
            raise CommandError(str(exc)) from exc
        now = timezone.now()
        sale = FlashSale.objects.create(
            merchant_id=snapshot.merchant_id,
            title=f"{REHEARSAL_PREFIX} {stamp}",
            variant_id=variant_id,
            sale_price=max(snapshot.price, Decimal("0.01")),
            currency=snapshot.currency,
            units=units,
            starts_at=now - timedelta(seconds=1),
            ends_at=now + timedelta(hours=1),
            per_buyer_limit=limit,
        )
        try:
            flash_sale_arm(sale_id=sale.pk)
        except FlashSaleError as exc:
            raise CommandError(str(exc)) from exc
        sale.refresh_from_db()
        return sale

    def _run(self, sale: FlashSale, tokens: list[str], opts: dict) -> Measurement:
        first_request = timezone.now()
        shots = buys_fire(
            base_url=opts["url"], sale_id=sale.pk, tokens=tokens, concurrency=opts["concurrency"]
        )
        outcomes, wall = shots_summarise(shots)
        admitted = outcomes.get("admitted", 0)
        wanted = min(admitted, sale.units)
        deadline = time.monotonic() + opts["wait"]
        ordered = Reservation.objects.filter(sale_id=sale.pk, order_id__isnull=False)
        while ordered.count() < wanted and time.monotonic() < deadline:
            time.sleep(0.2)
        span = ordered.aggregate(first=Min("created_at"), last=Max("created_at"))
        count = ordered.count()
        last = (span["last"] - first_request).total_seconds() if span["last"] else None
        drain = None
        if span["first"] and span["last"] and count > 1:
            drain = count / max((span["last"] - span["first"]).total_seconds(), 1e-3)
        latencies = [s.seconds * 1000 for s in shots if s.status]
        errors = sum(n for key, n in outcomes.items() if key.startswith("error:") or key.startswith("http_5"))
        return Measurement(
            requests=len(shots),
            outcomes=dict(outcomes),
            admitted=admitted,
            errors=errors,
            wall_seconds=wall,
            answered_per_second=len(latencies) / wall if wall else 0.0,
            admitted_per_second=admitted / wall if wall else 0.0,
            p50_ms=percentile(latencies, 0.50),
            p99_ms=percentile(latencies, 0.99),
            orders=count,
            units=sale.units,
            last_order_seconds=last,
            drain_per_second=drain,
        )

    def _report(self, m: Measurement, opts: dict) -> None:
        rate = opts["rate"] or float(m.requests)
        per_web = m.answered_per_second / opts["web_processes"]
        web_needed = math.ceil(rate / per_web) if per_web else None
        per_worker = (m.drain_per_second or 0.0) / opts["workers"]
        # Orders arrive no faster than buyers are admitted, and never more than the units.
        order_rate = min(rate, float(m.units))
        workers_needed = math.ceil(order_rate / per_worker) if per_worker else None
        outcomes = ", ".join(f"{key} {value}" for key, value in sorted(m.outcomes.items()))
        last = f"{m.last_order_seconds:.2f} s" if m.last_order_seconds is not None else "no order"
        drain = f"{m.drain_per_second:.0f} orders/s" if m.drain_per_second else "n/a"
        lines = [
            f"requests: {m.requests} in {m.wall_seconds:.2f} s ({outcomes})",
            f"answered/s: {m.answered_per_second:.0f}; admitted/s: {m.admitted_per_second:.0f}",
            f"latency: p50 {m.p50_ms:.1f} ms, p99 {m.p99_ms:.1f} ms",
            f"time from the first request to the last order: {last}",
            f"drain: {drain}",
            f"orders = units: {'yes' if m.orders == m.units else 'no'} ({m.orders} orders, {m.units} units)",
            f"errors: {m.errors}",
            f"per web process: {per_web:.0f} requests/s ({opts['web_processes']} measured); "
            f"for {rate:.0f} requests/s: {web_needed if web_needed else 'n/a'} web processes",
            f"per worker: {per_worker:.0f} orders/s ({opts['workers']} measured); "
            f"for {order_rate:.0f} orders/s: {workers_needed if workers_needed else 'n/a'} workers",
        ]
        for line in lines:
            self.stdout.write(line)

    def _clean_up(self, sale: FlashSale, user_ids: list[int]) -> None:
        flash_sale_close(sale_id=sale.pk)
        cancelled = 0
        order_ids = Reservation.objects.filter(
            sale_id=sale.pk, status=ReservationStatus.ORDERED, order_id__isnull=False
        ).values_list("order_id", flat=True)
        for order_id in list(order_ids):
            try:
                order_cancel(order_id=order_id, reason="flash sale rehearsal cleaned up")
                cancelled += 1
            except IllegalTransition:
                continue
        # The cancelled orders' units are ordinary stock again: the sale counts them as returned.
        units = Reservation.objects.filter(sale_id=sale.pk, status=ReservationStatus.ORDERED).aggregate(
            units=Sum("quantity")
        )["units"]
        Reservation.objects.filter(sale_id=sale.pk, status=ReservationStatus.ORDERED).update(
            status=ReservationStatus.EXPIRED, updated_at=timezone.now()
        )
        FlashSale.objects.filter(pk=sale.pk).update(units_returned=F("units_returned") + (units or 0))
        try:
            stock_adjust(
                variant_id=sale.variant_id, delta=-sale.units, actor_id=None, reason="rehearsal over"
            )
        except StockError as exc:
            self.stderr.write(f"could not take the rehearsal's units out again: {exc}")
        get_user_model().objects.filter(pk__in=user_ids).update(is_active=False)
        self.stdout.write(
            f"cleaned up: sale {sale.pk} closed, {cancelled} orders cancelled, buyers deactivated"
        )
