"""Checkout throughput through the ordinary path (issue 3): orders per second placed by many
concurrent buyers through POST /api/checkout/ on gunicorn + PostgreSQL, beside the floor
(GET /healthz) measured by the same client in the same run.

Two scenarios:
- spread: every buyer checks out a different product (no two transactions touch one stock row);
- hot:    every buyer checks out the same variant (each reservation is a conditional UPDATE of one
          stock row, so they queue on its row lock one after another).

    bash benchmarks/checkout/run.sh        # BENCH_BUYERS=600 BENCH_CONCURRENCY=32 BENCH_WORKERS=4

Prepares its own database (`shop_bench_checkout`), buyers with a session, an address and a one-line
cart; the load is a thread pool of http.client connections on 127.0.0.1, bounded by the number of
buyers. Appends the figures and ratios to benchmarks/RESULTS.md.
"""

import json
import os
import secrets
import string
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_pages  # the shared gunicorn, environment and machine helpers

BASE_DIR = bench_pages.BASE_DIR
BUYERS = int(os.environ.get("BENCH_BUYERS", "600"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))
FLOOR_REQUESTS = int(os.environ.get("BENCH_FLOOR_REQUESTS", "3000"))
bench_pages.DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop_bench_checkout"
)
bench_pages.REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")

# Runs in a child process under the production settings: makes the buyers of one scenario and
# prints, per buyer, the cookies and the checkout body.
PREPARE = r"""
import django, json, sys
django.setup()
from decimal import Decimal
from django.test import Client
from apps.cart.services import cart_for_user_ensure, cart_line_add
from apps.catalog.models import Category, Product, Variant
from apps.inventory.services import stock_adjust
from apps.shipping.models import ShippingMethod
from shop.accounts.models import Address, Merchant, User

scenario, buyers, run = sys.argv[1], int(sys.argv[2]), sys.argv[3]
merchant, _ = Merchant.objects.get_or_create(slug="bench", defaults={"name": "Bench Goods"})
category, _ = Category.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
method, _ = ShippingMethod.objects.get_or_create(
    merchant=merchant, name="Flat", defaults={"kind": "flat", "flat_price": Decimal("5.00")})
products = 1 if scenario == "hot" else buyers
variants = []
for i in range(products):
    product = Product.objects.create(merchant=merchant, category=category, name=f"{scenario} {run} {i}",
                                     slug=f"{scenario}-{run}-{i}", status="active", max_per_order=10)
    variant = Variant.objects.create(product=product, merchant=merchant, sku=f"{scenario}-{run}-{i}",
                                     price=Decimal("20.00"))
    stock_adjust(variant_id=variant.pk, delta=buyers if scenario == "hot" else 5, actor_id=None,
                 reason="benchmark")
    variants.append(variant.pk)
out = []
for i in range(buyers):
    user = User.objects.create_user(email=f"{scenario}-{run}-{i}@bench.test", password=None)
    address = Address.objects.create(user=user, full_name="Bench Buyer", line1="1 Loop Road",
                                     city="Localhost", postal_code="12345", is_default=True)
    cart_line_add(cart_id=cart_for_user_ensure(user_id=user.pk), variant_id=variants[i % len(variants)],
                  quantity=1)
    client = Client()
    client.force_login(user)
    out.append({"session": client.cookies["sessionid"].value,
                "body": {"address_id": address.pk, "shipping_method_ids": {str(merchant.pk): method.pk}}})
print(json.dumps(out))
"""

COUNT = r"""
import django, json, sys
django.setup()
from apps.orders.models import Order
from apps.inventory.models import StockItem
print(json.dumps({"orders": Order.objects.filter(user__email__startswith=sys.argv[1]).count(),
                  "negative": StockItem.objects.filter(available__lt=0).count()}))
"""


def _python(env, code: str, *args: str) -> str:
    return bench_pages._run([bench_pages.PYTHON, "-c", code, *args], env).strip().splitlines()[-1]


def _csrf() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _fire(port: int, jobs: list[dict], request) -> dict:
    """Runs `request(connection, job)` for every job over CONCURRENCY keep-alive connections."""
    local = threading.local()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def one(job):
        if not hasattr(local, "connection"):
            local.connection = HTTPConnection("127.0.0.1", port, timeout=60)
        started = time.perf_counter()
        try:
            status = request(local.connection, job)
        except OSError:
            local.connection = HTTPConnection("127.0.0.1", port, timeout=60)
            status = 0
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        list(pool.map(one, jobs))
    wall = time.perf_counter() - started
    return {
        "wall": wall,
        "per_second": len(jobs) / wall,
        "p50": _percentile(latencies, 0.50),
        "p99": _percentile(latencies, 0.99),
        "statuses": statuses,
    }


def _get_floor(connection, job) -> int:
    connection.request("GET", "/healthz")
    response = connection.getresponse()
    response.read()
    return response.status


def _post_checkout(connection, job) -> int:
    token = _csrf()
    connection.request(
        "POST",
        "/api/checkout/",
        body=json.dumps(job["body"]),
        headers={
            "Content-Type": "application/json",
            "Cookie": f"sessionid={job['session']}; csrftoken={token}",
            "X-CSRFToken": token,
            "Idempotency-Key": secrets.token_urlsafe(16),
        },
    )
    response = connection.getresponse()
    response.read()
    return response.status


def main() -> int:
    env = bench_pages.bench_environment()
    env["SHOP_PAYMENT_TIMEOUT_MINUTES"] = "60"
    name = bench_pages.DATABASE_URL.rsplit("/", 1)[1]
    server = bench_pages.DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(
        ["psql", server, "-c", f'DROP DATABASE IF EXISTS "{name}"'], check=True, capture_output=True
    )
    subprocess.run(["psql", server, "-c", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
    bench_pages.manage(env, "migrate", "--noinput", "-v0")
    subprocess.run(["redis-cli", "-u", bench_pages.REDIS_URL, "flushdb"], check=True, capture_output=True)
    run = time.strftime("%H%M%S")
    jobs = {s: json.loads(_python(env, PREPARE, s, str(BUYERS), run)) for s in ("spread", "hot")}
    load_before = os.getloadavg()
    port = bench_pages.free_port()
    with bench_pages.gunicorn(env, port):
        _fire(port, [{}] * 200, _get_floor)  # warm-up: every worker has its connections
        floor = _fire(port, [{}] * FLOOR_REQUESTS, _get_floor)
        figures = {s: _fire(port, jobs[s], _post_checkout) for s in ("spread", "hot")}
    counts = {s: json.loads(_python(env, COUNT, f"{s}-{run}-")) for s in ("spread", "hot")}
    section = _report(floor, figures, counts, load_before)
    print(section)
    with open(bench_pages.RESULTS, "a") as results:
        results.write(section)
    return 0 if all(counts[s]["orders"] == BUYERS and not counts[s]["negative"] for s in counts) else 1


def _report(floor, figures, counts, load_before) -> str:
    rows = [
        f"| floor `GET /healthz` | {floor['per_second']:.0f} | {floor['p50']:.1f} ms | {floor['p99']:.1f} ms "
        f"| 1.00 | {FLOOR_REQUESTS} | {floor['statuses']} |"
    ]
    for scenario, label in (
        ("spread", "checkout, every buyer a different product"),
        ("hot", "checkout, one hot product"),
    ):
        f = figures[scenario]
        rows.append(
            f"| {label} | {f['per_second']:.0f} orders/s | {f['p50']:.1f} ms | {f['p99']:.1f} ms "
            f"| {f['per_second'] / floor['per_second']:.3f} | {BUYERS} ({counts[scenario]['orders']} orders) "
            f"| {f['statuses']} |"
        )
    return "\n".join(
        [
            "",
            f"## {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: checkout throughput (commit {bench_pages.commit()})",
            "",
            f"- Machine: {bench_pages.machine()}; load average before the run "
            f"{' / '.join(f'{x:.2f}' for x in load_before)}",
            f"- Server: gunicorn config.wsgi, {bench_pages.WORKERS} sync workers, production settings (DEBUG off), "
            "PostgreSQL + Redis on 127.0.0.1; `POST /api/checkout/` (session auth, Idempotency-Key, one-line cart, "
            "sandbox payment), the whole ordinary path: reprice, reserve, order, payment, cart cleared, one transaction",
            f"- Load: {CONCURRENCY} concurrent keep-alive connections from a Python thread pool on the same machine "
            f"(`bash benchmarks/checkout/run.sh`), {BUYERS} distinct buyers per scenario, floor measured by the same client",
            "",
            "| figure | per second | p50 | p99 | × floor | requests | answers |",
            "|---|---:|---:|---:|---:|---:|---|",
            *rows,
            "",
            f"- Stock never negative: {'yes' if not any(c['negative'] for c in counts.values()) else 'NO'}; "
            f"orders = buyers: spread {counts['spread']['orders'] == BUYERS}, hot {counts['hot']['orders'] == BUYERS}",
            "",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
