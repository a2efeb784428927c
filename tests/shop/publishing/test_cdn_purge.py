"""CDN purge after publishing: the HTTP purger POSTs the changed URLs with its token to a real
(local) HTTP server; a failing CDN does not fail the publishing."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from shop.publishing.cdn import HttpPurger, NoopPurger
from shop.publishing.services import pages_publish


@pytest.fixture
def cdn():
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(
                {"path": self.path, "auth": self.headers["Authorization"], "body": json.loads(body)}
            )
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/purge", received
    server.shutdown()
    server.server_close()


def test_changed_pages_are_purged_with_the_token(published, settings, cdn):
    # given
    endpoint, received = cdn
    settings.PUBLISHING_CDN_PURGER = "shop.publishing.cdn.HttpPurger"
    settings.PUBLISHING_CDN_PURGE_URL = endpoint
    settings.PUBLISHING_CDN_PURGE_TOKEN = "purge-token"
    # when
    first = pages_publish(paths=["/pages/1/", "/pages/2/"])
    again = pages_publish(paths=["/pages/1/"])  # unchanged: nothing to purge
    # then
    assert first.purged is True
    assert again.purged is True
    assert received == [
        {
            "path": "/purge",
            "auth": "Bearer purge-token",
            "body": {"urls": ["https://shop.example.com/pages/1/", "https://shop.example.com/pages/2/"]},
        }
    ]


def test_a_cdn_that_does_not_answer_is_logged_and_the_pages_stay_published(published, settings, caplog):
    # given
    settings.PUBLISHING_CDN_PURGER = "shop.publishing.cdn.HttpPurger"
    settings.PUBLISHING_CDN_PURGE_URL = "http://127.0.0.1:1/purge"
    # when
    report = pages_publish(paths=["/pages/1/"])
    # then
    assert report.purged is False
    assert report.written == ["/pages/1/"]
    assert (published / "pages/1/index.html").exists()
    assert "CDN purge failed" in [record.getMessage() for record in caplog.records]


def test_the_noop_purger_purges_nothing_and_the_http_purger_wants_an_http_url():
    assert NoopPurger().purge(urls=["https://shop.example.com/"]) is None
    with pytest.raises(ValueError, match="http"):
        HttpPurger(endpoint="file:///etc/passwd", token="t")
