"""A real Celery worker process receives the trace id of the request that enqueued its task."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from config.celery_app import app as celery_app

BASE_DIR = Path(__file__).resolve().parents[3]
WAIT_SECONDS = 60

pytestmark = [pytest.mark.slow, pytest.mark.urls("tests.shop.observability.urls")]


@pytest.fixture
def worker_queue(tmp_path, redis_client):
    """A worker consuming a queue of its own, against the test's Redis broker; yields (queue, log)."""
    queue = f"test-observability-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config.celery_app", "worker",
        "-Q", queue, "-P", "solo", "-c", "1", "-l", "INFO",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    with open(log_path, "w") as log:
        worker = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield queue, log_path
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        redis_client.delete(queue, f"_kombu.binding.{queue}")


@pytest.fixture
def broker_not_eager():
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def _wait_for(redis_client, key: str) -> bytes | None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = redis_client.get(key)
        if value is not None:
            return value
        time.sleep(0.2)
    return None


def test_a_real_worker_runs_the_task_with_the_requests_trace_id(
    client, redis_client, worker_queue, broker_not_eager
):
    # given a worker on its own queue and a key for the probe to write
    queue, log_path = worker_queue
    key = f"test:observability:worker:{uuid.uuid4().hex}"

    # when a request enqueues the probe task to that queue through the broker
    response = client.get(
        f"/obs/enqueue/?key={key}&queue={queue}", headers={"X-Request-ID": "trace-worker-0001"}
    )

    # then the worker process ran it with the request's trace id
    try:
        seen = _wait_for(redis_client, key)
    finally:
        redis_client.delete(key)
    assert response.content == b"enqueued"
    assert seen == b"trace-worker-0001", log_path.read_text()[-3000:]

    # and the worker logged that as a JSON line carrying the same trace id
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    echoes = [line for line in lines if line.get("message") == "trace echo written"]
    assert [(line["trace_id"], line["echo_key"]) for line in echoes] == [("trace-worker-0001", key)]
