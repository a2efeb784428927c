import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_touching_the_database(client):
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")

    # then
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain"
    assert "no-cache" in response["Cache-Control"]
    assert len(queries) == 0


def test_healthz_refuses_a_post(client):
    # when
    response = client.post("/healthz")

    # then
    assert response.status_code == 405
