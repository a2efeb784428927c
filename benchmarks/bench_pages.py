"""Pages per second of the storefront against its floor, on one machine, over loopback.

Prepares a PostgreSQL database `shop_bench` (migrated, seeded with seed_demo), starts gunicorn
(config.wsgi, production settings, DEBUG off, 4 workers) on a free port of 127.0.0.1, and measures
with wrk: /healthz (the floor: a tiny response through the full middleware stack), the home page,
a category page and a product page. It also counts the SQL queries of the product page. The figures,
their ratios to the floor and the machine are appended to benchmarks/RESULTS.md.

    bash benchmarks/run_pages.sh          # or: make bench
    BENCH_DURATION=5 bash benchmarks/run_pages.sh

Only 127.0.0.1 is ever a target; every run is bounded by its duration.
"""

import contextlib
import datetime as dt
import http.client
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import commit, free_port, machine

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "benchmarks" / "RESULTS.md"
PYTHON = sys.executable
BIN = Path(PYTHON).parent

DURATION = int(os.environ.get("BENCH_DURATION", "10"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "1000"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
TARGET_RATIO = 0.1
TARGET_QUERIES = 6
LOAD_BEFORE = "unknown"


def bench_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        # Plain http on loopback: no redirect to https, cookies not limited to https.
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        MEDIA_ROOT=str(BASE_DIR / "var" / "bench-media"),
        LOG_LEVEL="WARNING",
    )
    return env


@dataclass(frozen=True)
class Measure:
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def manage(env: dict[str, str], *args: str) -> str:
    return _run([PYTHON, "manage.py", *args], env)


def _run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def database_prepare(env: dict[str, str]) -> None:
    name = DATABASE_URL.rsplit("/", 1)[1]
    server = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(
        ["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["psql", server, "-c", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
    print(f"migrating and seeding {name} ({PRODUCTS} products)...", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    print(manage(env, "seed_demo", "--products", str(PRODUCTS)), flush=True)


# Runs in a child process under the production settings: finds the URLs and counts the queries.
PROBE = r"""
import django, json
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from apps.catalog.models import Category, Product

category = Category.objects.filter(parent__isnull=False, products__status="active").distinct().first()
product = Product.objects.filter(status="active", variants__isnull=False).order_by("id").first()
product_url = None
for kwargs in ({"pk": product.pk, "slug": product.slug}, {"slug": product.slug}, {"pk": product.pk}):
    try:
        product_url = reverse("catalog:product", kwargs=kwargs)
        break
    except NoReverseMatch:
        pass
urls = {"home": reverse("catalog:home"), "category": reverse("catalog:category", kwargs={"slug": category.slug}),
        "product": product_url}
client = Client(HTTP_HOST="127.0.0.1")
from django.core.cache import cache
cache.clear()  # the bench's own Redis db: the first request below renders with cold caches
queries_of = {}
for name, url in urls.items():
    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        counts.append(len(queries))
    queries_of[name] = counts
print(json.dumps({"urls": urls, "product_status": status, "queries": queries_of,
                  "product_queries": queries_of["product"]}))
"""


def probe(env: dict[str, str]) -> dict:
    import json

    return json.loads(_run([PYTHON, "-c", PROBE], env).strip().splitlines()[-1])


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int):
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /healthz")
            time.sleep(0.2)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def check_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _duration_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(name: str, url: str, path: str) -> Measure:
    # A short warm-up fills the caches and the connection pools before the measured run.
    subprocess.run(["wrk", "-t1", "-c4", "-d2s", url], check=True, capture_output=True)
    output = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--timeout", "10s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    if set(latency) != {"50", "99"}:
        raise RuntimeError(f"wrk's output has no latency distribution:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return Measure(
        name=name,
        path=path,
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_duration_ms(latency["50"]),
        p99_ms=_duration_ms(latency["99"]),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        errors=(int(errors.group(1)) if errors else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    )


def python_load(name: str, url: str, path: str) -> Measure:
    """Fallback when wrk is missing: keep-alive connections in threads (the GIL caps it low)."""
    host, port = url.split("//")[1].split("/")[0].split(":")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + DURATION

    def client() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        mine = []
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return Measure(
        name=name,
        path=path,
        requests_per_second=len(latencies) / DURATION,
        p50_ms=latencies[len(latencies) // 2],
        p99_ms=latencies[int(len(latencies) * 0.99)],
        requests=len(latencies),
        errors=errors[0],
    )


def report(measures: list[Measure], found: dict, tool: str) -> str:
    floor = measures[0].requests_per_second
    product = next(m for m in measures if m.name == "product")
    ratio = product.requests_per_second / floor
    cold_queries = found["product_queries"][0]
    verdict = "met" if ratio >= TARGET_RATIO and cold_queries <= TARGET_QUERIES else "NOT met"
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## {now} (commit {commit()})",
        "",
        f"- Machine: {machine()}; load average before the run {LOAD_BEFORE}",
        f"- Server: gunicorn config.wsgi, {WORKERS} sync workers, production settings, DEBUG off, "
        f"PostgreSQL + Redis on 127.0.0.1, {PRODUCTS} demo products",
        f"- Load: {tool}, {THREADS} threads, {CONNECTIONS} connections, {DURATION} s per page after a 2 s warm-up, "
        "load generator on the same machine",
        "",
        "| page | path | requests/s | p50 | p99 | × floor | requests | errors | SQL queries cold / warm |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measures:
        counts = found["queries"].get(m.name, [0, 0])
        lines.append(
            f"| {m.name} | `{m.path}` | {m.requests_per_second:,.0f} | {m.p50_ms:.1f} ms | {m.p99_ms:.1f} ms "
            f"| {m.requests_per_second / floor:.2f} | {m.requests:,} | {m.errors} | {counts[0]} / {counts[-1]} |"
        )
    lines += [
        "",
        f"- SQL queries of the product page (Django test client, production settings): "
        f"{' / '.join(str(n) for n in found['product_queries'])} on three successive requests "
        "(the first with cold caches)",
        f"- Target (product page ≥ {TARGET_RATIO} × floor requests/s with ≤ {TARGET_QUERIES} SQL queries): "
        f"**{verdict}** ({ratio:.2f} × floor, {cold_queries} queries with cold caches)",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    global LOAD_BEFORE
    LOAD_BEFORE = " / ".join(f"{n:.2f}" for n in os.getloadavg())
    env = bench_environment()
    database_prepare(env)
    found = probe(env)
    if found["product_status"] != 200:
        print(f"the product page answered {found['product_status']}, not 200", file=sys.stderr)
        return 1
    tool = "wrk" if shutil.which("wrk") else "Python threads (wrk missing)"
    measure = wrk if shutil.which("wrk") else python_load
    port = free_port()
    pages = [("floor (/healthz)", "/healthz")] + [(name, path) for name, path in found["urls"].items()]
    with gunicorn(env, port):
        for _name, path in pages:
            status = check_status(f"http://127.0.0.1:{port}{path}")
            if status != 200:
                print(f"{path} answered {status}, not 200", file=sys.stderr)
                return 1
        measures = []
        for name, path in pages:
            print(f"measuring {name} {path} for {DURATION} s...", flush=True)
            measures.append(measure(name.split(" ")[0], f"http://127.0.0.1:{port}{path}", path))
    section = report(measures, found, tool)
    print("\n" + section)
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by `make bench`; see README.md here.\n\n")
    with RESULTS.open("a") as results:
        results.write("\n" + section)
    print(f"appended to {RESULTS.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
