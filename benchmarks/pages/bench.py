"""The read path's figures, in one run on one machine over loopback (README.md here).

Prepares PostgreSQL `shop_bench_pages` (migrated, static files collected, `seed_demo --products
300`), publishes every page, then measures with wrk the same product page four ways, each through
gunicorn (config.wsgi, production settings, DEBUG off, 4 sync workers, 127.0.0.1) started the same
way, only the environment switching the cache or the file serving:

1. Django without the two-level cache (SHOP_CACHE_ENABLED=0),
2. Django with the cache warm,
3. the published file through whitenoise (PublishedPagesMiddleware),
4. the published file through nginx (temporary config on a loopback port), when nginx is installed,

each beside the floor (/healthz) of its own gunicorn. It also counts the product page's SQL
queries uncached and cached (CaptureQueriesContext) and times the re-publishing of one product.
Requests carry `Accept-Encoding: gzip, br` like a browser's. The figures are appended to
benchmarks/RESULTS.md. Only 127.0.0.1 is a target, and every run stops after its duration.
"""

import contextlib
import datetime as dt
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchlib import commit, free_port, machine

BASE_DIR = Path(__file__).resolve().parent.parent.parent
RESULTS = BASE_DIR / "benchmarks" / "RESULTS.md"
PYTHON = sys.executable
BIN = Path(PYTHON).parent

DURATION = int(os.environ.get("BENCH_DURATION", "10"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "300"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop_bench_pages")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
PUBLISHED_ROOT = BASE_DIR / "var" / "bench-published"
ACCEPT_ENCODING = "gzip, br"
NGINX_BROTLI = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="1",
        CACHE_KEY_PREFIX="bench-pages",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        MEDIA_ROOT=str(BASE_DIR / "var" / "bench-media"),
        PUBLISHED_ROOT=str(PUBLISHED_ROOT),
        PUBLISHING_SITE_URL="http://127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


SECRET_KEY = secrets.token_urlsafe(64)


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True
    ).stdout


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
    # Publishing is measured below; seeding with it on would re-publish after every category.
    manage({**env, "PUBLISHING_ENABLED": "0"}, "seed_demo", "--products", str(PRODUCTS))


# Runs in a child process under the production settings: the product, its SQL, publishing costs.
PROBE = r"""
import json, time, django
django.setup()
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.test.utils import override_settings
from apps.catalog.models import Product
from apps.catalog.publishing import product_page_set
from shop.core.cache import local_cache_clear
from shop.publishing.services import pages_publish, pages_publish_all
from shop.publishing.storage import published_storage, storage_name_for

cache.clear()
started = time.perf_counter()
everything = pages_publish_all()
all_seconds = time.perf_counter() - started

product = Product.objects.filter(status="active", variants__isnull=False).order_by("id").first()
url = f"/p/{product.pk}-{product.slug}/"
client = Client(HTTP_HOST="127.0.0.1")

def count(cached):
    with override_settings(SHOP_CACHE_ENABLED=cached, PUBLISHING_SERVE=False):
        local_cache_clear()  # level 2 (Redis) only: what another worker process sees
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
    assert status == 200, status
    return len(queries)

uncached = count(False)
count(True)  # warms the cache
cached = count(True)

pages = product_page_set(product_id=product.pk)
storage = published_storage()
timings = []
for _ in range(5):
    for path in pages.publish:  # force every page to be written again
        storage.delete(storage_name_for(path))
    cache.clear()  # and rendered from the database, as after a write
    started = time.perf_counter()
    report = pages_publish(paths=pages.publish, remove=pages.remove)
    timings.append(time.perf_counter() - started)
started = time.perf_counter()
unchanged = pages_publish(paths=pages.publish, remove=pages.remove)
unchanged_seconds = time.perf_counter() - started
print(json.dumps({
    "url": url, "uncached_queries": uncached, "cached_queries": cached,
    "all_pages": len(everything.written) + len(everything.unchanged), "all_seconds": all_seconds,
    "product_pages": len(pages.publish), "republish_seconds": sorted(timings)[len(timings) // 2],
    "republish_unchanged_seconds": unchanged_seconds, "written": len(report.written),
}))
"""


def probe(env: dict[str, str]) -> dict:
    result = subprocess.run(
        [PYTHON, "-c", PROBE], cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def wait_for(url: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer {url}")
        time.sleep(0.2)


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
        wait_for(f"http://127.0.0.1:{port}/healthz", process, "gunicorn")
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


NGINX_CONF = """
{load_module}
worker_processes 2;
error_log {tmp}/error.log warn;
pid {tmp}/nginx.pid;
user root;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    include /etc/nginx/mime.types;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream shop_web {{ server 127.0.0.1:{upstream}; keepalive 32; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            error_page 418 = @shop;
            if ($request_method !~ ^(GET|HEAD)$) {{ return 418; }}
            if ($args) {{ return 418; }}
            root {root};
            gzip_static on;
            {brotli_static}
            add_header Cache-Control "public, max-age=60, stale-while-revalidate=300";
            add_header X-Published "1";
            try_files ${{uri}}index.html @shop;
        }}
        location @shop {{
            proxy_pass http://shop_web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(port: int, upstream: int):
    tmp = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    brotli = NGINX_BROTLI.exists()
    conf = tmp / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            load_module=f"load_module {NGINX_BROTLI};" if brotli else "",
            brotli_static="brotli_static on;" if brotli else "",
            tmp=tmp,
            port=port,
            upstream=upstream,
            root=PUBLISHED_ROOT,
        )
    )
    process = subprocess.Popen(
        ["nginx", "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"], start_new_session=True
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/", process, "nginx")
        yield brotli
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


@dataclass(frozen=True)
class Measure:
    name: str
    url: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    encoding: str


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def response_encoding(url: str) -> str:
    request = urllib.request.Request(url, headers={"Accept-Encoding": ACCEPT_ENCODING})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
        published = " from the file" if response.headers.get("X-Published") else " by Django"
        return (response.headers.get("Content-Encoding") or "identity") + published


def wrk(name: str, url: str) -> Measure:
    encoding = response_encoding(url)
    header = ["-H", f"Accept-Encoding: {ACCEPT_ENCODING}"]
    subprocess.run(["wrk", "-t1", "-c4", "-d2s", *header, url], check=True, capture_output=True)
    output = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", *header, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    measure = Measure(
        name=name,
        url=url,
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        errors=(int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(map(int, sockets.groups())) if sockets else 0),
        encoding=encoding,
    )
    print(f"  {name}: {measure.requests_per_second:,.0f} requests/s ({encoding})", flush=True)
    return measure


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(
    measures: dict[str, Measure], floors: dict[str, Measure], found: dict, load: str, brotli: bool
) -> str:
    uncached = measures["uncached"].requests_per_second
    cached_ratio = measures["cached"].requests_per_second / uncached
    static_ratio = measures["whitenoise"].requests_per_second / uncached
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## {now}: read path, product page four ways (commit {commit()})",
        "",
        f"- Machine: {machine()}; load average before the run {load}",
        f"- Server: gunicorn config.wsgi, {WORKERS} sync workers, production settings, DEBUG off, PostgreSQL "
        f"`shop_bench_pages` + Redis on 127.0.0.1, `seed_demo --products {PRODUCTS}`; the same command for every "
        "row, only SHOP_CACHE_ENABLED / PUBLISHING_SERVE differ (each row beside the floor of its own gunicorn)",
        f"- Load: wrk, {THREADS} threads, {CONNECTIONS} connections, {DURATION} s after a 2 s warm-up, "
        f"`Accept-Encoding: {ACCEPT_ENCODING}`, load generator on the same machine",
        f"- Page: `{found['url']}`",
        "",
        "| product page | requests/s | p50 | p99 | × uncached | floor of that gunicorn | answered as | errors |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    labels = {
        "uncached": "Django, cache off",
        "cached": "Django, two-level cache warm",
        "whitenoise": "published file, whitenoise",
        "nginx": f"published file, nginx{' (brotli_static)' if brotli else ''}",
    }
    for key, label in labels.items():
        m = measures.get(key)
        if m is None:
            lines.append(f"| {label} | not measured (nginx missing) | | | | | | |")
            continue
        floor = floors.get(key)
        floor_text = f"{floor.requests_per_second:,.0f}" if floor else "n/a"
        lines.append(
            f"| {label} | {m.requests_per_second:,.0f} | {m.p50_ms:.1f} ms | {m.p99_ms:.1f} ms "
            f"| {m.requests_per_second / uncached:.1f} | {floor_text} | {m.encoding} | {m.errors} |"
        )
    lines += [
        "",
        f"- SQL queries of the product page: {found['uncached_queries']} uncached, {found['cached_queries']} cached "
        "(Redis only, level 1 emptied: what another worker sees)",
        f"- Re-publishing one product: {found['republish_seconds']:.2f} s for its {found['product_pages']} pages "
        f"(product, category listings and home, in 2 languages; rendered from the database, gzip 9 + brotli 11, "
        f"median of 5); {found['republish_unchanged_seconds']:.2f} s when nothing changed (rendered, compared, "
        f"not written). `publish_pages --all`: {found['all_pages']} pages in {found['all_seconds']:.1f} s.",
        f"- Targets: static ≥ 5× uncached: **{verdict(static_ratio >= 5)}** ({static_ratio:.1f}×); cached ≥ 2× "
        f"uncached: **{verdict(cached_ratio >= 2)}** ({cached_ratio:.1f}×); ≤ 6 queries uncached and 0 cached: "
        f"**{verdict(found['uncached_queries'] <= 6 and found['cached_queries'] == 0)}** "
        f"({found['uncached_queries']} / {found['cached_queries']})",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    load = " / ".join(f"{n:.2f}" for n in os.getloadavg())
    base = environment()
    database_prepare(base)
    print("publishing every page and probing the product page...", flush=True)
    found = probe(base)
    measures: dict[str, Measure] = {}
    floors: dict[str, Measure] = {}
    brotli = False
    runs = [
        ("uncached", {"SHOP_CACHE_ENABLED": "0", "PUBLISHING_SERVE": "0"}),
        ("cached", {"PUBLISHING_SERVE": "0"}),
        ("whitenoise", {}),
    ]
    for key, extra in runs:
        port = free_port()
        print(f"gunicorn for {key}:", flush=True)
        with gunicorn(environment(**extra), port):
            floors[key] = wrk("floor", f"http://127.0.0.1:{port}/healthz")
            measures[key] = wrk(key, f"http://127.0.0.1:{port}{found['url']}")
            if key == "whitenoise" and shutil.which("nginx"):
                nginx_port = free_port()
                with nginx(nginx_port, port) as brotli:
                    measures["nginx"] = wrk("nginx", f"http://127.0.0.1:{nginx_port}{found['url']}")
    section = report(measures, floors, found, load, brotli)
    print("\n" + section)
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by the benchmarks; see benchmarks/README.md.\n\n")
    with RESULTS.open("a") as results:
        results.write("\n" + section)
    print(f"appended to {RESULTS.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
