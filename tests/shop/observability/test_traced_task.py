import uuid

import pytest

from shop.observability.context import get_trace_id, reset_trace_id, set_trace_id
from shop.observability.tasks import TracedTask, observability_echo_trace, trace_id_of

pytestmark = pytest.mark.urls("tests.shop.observability.urls")


@pytest.fixture
def echo_key(redis_client):
    key = f"test:observability:echo:{uuid.uuid4().hex}"
    yield key
    redis_client.delete(key)


def test_every_task_of_the_shop_is_a_traced_task():
    assert isinstance(observability_echo_trace, TracedTask)


def test_a_task_enqueued_during_a_request_runs_with_the_requests_trace_id(client, redis_client, echo_key):
    # when a request enqueues a task (eager in the tests)
    response = client.get(f"/obs/enqueue/?key={echo_key}", headers={"X-Request-ID": "trace-task-0001"})

    # then the task saw the request's trace id, and the request's context is clean afterwards
    assert response["X-Request-ID"] == "trace-task-0001"
    assert redis_client.get(echo_key) == b"trace-task-0001"
    assert get_trace_id() == ""


def test_the_trace_id_travels_in_the_message_header_in_eager_mode(redis_client, echo_key):
    # given one trace id in the enqueuer's context and another in the message header
    token = set_trace_id("trace-outer-0001")
    try:
        # when the task is enqueued with the header
        observability_echo_trace.apply_async((echo_key,), headers={"trace_id": "trace-header-01"})
    finally:
        reset_trace_id(token)

    # then the task runs with the header's id, not with whatever its thread had
    assert redis_client.get(echo_key) == b"trace-header-01"


def test_a_task_enqueued_outside_any_request_gets_a_fresh_trace_id(redis_client, echo_key):
    result = observability_echo_trace.delay(echo_key)

    assert len(result.result) == 32
    assert redis_client.get(echo_key) == result.result.encode()


def test_the_echo_probe_expires(redis_client, echo_key):
    observability_echo_trace.delay(echo_key)

    assert 0 < redis_client.ttl(echo_key) <= 300


def test_trace_id_of_reads_a_workers_request_and_an_eager_one():
    class WorkerRequest:
        trace_id = "from-attribute-1"
        headers = None

    class EagerRequest:
        headers = {"trace_id": "from-headers-01"}

    class BareRequest:
        headers = None

    assert trace_id_of(WorkerRequest()) == "from-attribute-1"
    assert trace_id_of(EagerRequest()) == "from-headers-01"
    assert trace_id_of(BareRequest()) == ""
