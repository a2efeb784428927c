import pytest

from shop.observability.context import get_trace_id, sanitize_trace_id

pytestmark = pytest.mark.urls("tests.shop.observability.urls")


def test_a_request_without_an_id_gets_a_new_one_in_the_response_header(client):
    # when two requests arrive without X-Request-ID
    first = client.get("/obs/log/")
    second = client.get("/obs/log/")

    # then each answer carries its own fresh 32-hex-digit id
    assert len(first["X-Request-ID"]) == 32
    assert int(first["X-Request-ID"], 16) >= 0
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_sane_client_id_is_kept(client):
    response = client.get("/obs/log/", headers={"X-Request-ID": "edge-7f3a:42.b_c-9"})

    assert response["X-Request-ID"] == "edge-7f3a:42.b_c-9"


@pytest.mark.parametrize(
    "insane",
    ["has spaces in it", "line\nbreak-0001", "x" * 500, "short", 'quote"injection-1', "ünïcödé-ïd-0001"],
)
def test_an_insane_client_id_is_replaced(client, insane):
    # when a client sends an id with spaces, a newline, 500 characters, too few or odd characters
    response = client.get("/obs/log/", headers={"X-Request-ID": insane})

    # then the shop uses its own
    assert response["X-Request-ID"] != insane
    assert len(response["X-Request-ID"]) == 32


def test_sanitize_keeps_only_ids_of_8_to_128_safe_characters():
    assert sanitize_trace_id("a" * 128) == "a" * 128
    assert sanitize_trace_id("a" * 129) != "a" * 129
    assert sanitize_trace_id("abcdefg") != "abcdefg"
    assert sanitize_trace_id(None) != sanitize_trace_id(None)


def test_the_trace_id_is_a_field_of_every_json_log_line_of_the_request(client, json_log_lines):
    # when a view logs during a request
    response = client.get("/obs/log/", headers={"X-Request-ID": "trace-log-0001"})

    # then the line is JSON, with trace_id equal to the response header
    lines = [line for line in json_log_lines() if line["logger"] == "tests.observability"]
    assert response["X-Request-ID"] == "trace-log-0001"
    assert len(lines) == 1
    assert lines[0]["message"] == "inside the view"
    assert lines[0]["level"] == "WARNING"
    assert lines[0]["trace_id"] == "trace-log-0001"
    assert "time" in lines[0]


def test_django_logs_a_not_found_answer_with_the_trace_id(client, json_log_lines, db):
    # when an API answer is a 404, which django.request logs after the middleware has returned
    response = client.get("/api/catalog/products/987654/", headers={"X-Request-ID": "trace-404-0001"})

    # then its log line still carries the request's trace id
    lines = [line for line in json_log_lines() if line["logger"] == "django.request"]
    assert response.status_code == 404
    assert [line["trace_id"] for line in lines] == ["trace-404-0001"]


def test_the_trace_id_does_not_leak_out_of_the_request(client):
    client.get("/obs/log/", headers={"X-Request-ID": "trace-leak-0001"})

    assert get_trace_id() == ""


def test_a_log_line_outside_any_request_has_a_null_trace_id(json_log_lines):
    import logging

    logging.getLogger("tests.observability").warning("outside")

    assert [line["trace_id"] for line in json_log_lines() if line["message"] == "outside"] == [None]


def test_the_500_page_shows_the_trace_id(client, json_log_lines):
    # given a client that gets the error page instead of the exception
    client.raise_request_exception = False

    # when a view raises
    response = client.get("/obs/boom/", headers={"X-Request-ID": "trace-boom-0001"})

    # then the shopper sees the shop's 500 page with the id to quote, and the log has it too
    assert response.status_code == 500
    assert response["X-Request-ID"] == "trace-boom-0001"
    assert "<code>trace-boom-0001</code>" in response.content.decode()
    errors = [line for line in json_log_lines() if line["logger"] == "django.request"]
    assert [line["trace_id"] for line in errors] == ["trace-boom-0001"]
    assert "RuntimeError: boom" in errors[0]["exc_info"]


def test_an_api_500_is_json_with_the_trace_id(client):
    client.raise_request_exception = False

    response = client.get("/api/obs/boom/", headers={"X-Request-ID": "trace-api-boom-1"})

    assert response.status_code == 500
    assert response.json() == {"detail": "Server error.", "trace_id": "trace-api-boom-1"}


def test_an_unknown_page_gets_the_shops_404_page(client, db):
    response = client.get("/no-such-page/", headers={"X-Request-ID": "trace-nf-0001"})

    assert response.status_code == 404
    assert response["X-Request-ID"] == "trace-nf-0001"
    assert "<code>trace-nf-0001</code>" in response.content.decode()


def test_an_unknown_api_url_gets_a_json_404(client):
    response = client.get("/api/catalog/products/not-a-number/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_500_handler_falls_back_to_a_bare_page_when_the_template_fails(rf, settings):
    # given a template directory whose 500.html cannot render
    from shop.core.views import server_error

    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [],
            "APP_DIRS": False,
            "OPTIONS": {
                "loaders": [("django.template.loaders.locmem.Loader", {"500.html": "{% url 'nope' %}"})]
            },
        }
    ]
    request = rf.get("/somewhere/")
    request.trace_id = "trace-bare-0001"

    # when the handler runs
    response = server_error(request)

    # then the shopper still gets a 500 page with the id
    assert response.status_code == 500
    assert "<code>trace-bare-0001</code>" in response.content.decode()
