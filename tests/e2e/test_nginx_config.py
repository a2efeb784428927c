"""docs/nginx.conf, the example reverse proxy, run as shipped (only its <placeholders>, ports and
the upstream filled in) in front of a real gunicorn: published pages come from the files with their
brotli and gzip twins, before any Python runs; everything else (a query string, a page never
published, a POST, the live JSON) reaches Django; plain HTTP is redirected to HTTPS; static files
are cached for a year."""

import gzip
import http.client
import os
import shutil
import signal
import ssl
import subprocess
from pathlib import Path

import brotli
import pytest
from django.conf import settings
from django.core.management import call_command

from apps.inventory.services import stock_adjust
from tests.apps.catalog.factories import ProductFactory, VariantFactory

from .conftest import free_port, wait_until

pytestmark = [pytest.mark.slow]

DOCS_CONF = Path(settings.BASE_DIR) / "docs" / "nginx.conf"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
HOST = "localhost"


def _nginx_or_skip() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found and BROTLI_MODULE.exists():
        return found
    why = "needs nginx with brotli_static (apt-get install nginx-light libnginx-mod-http-brotli-static)"
    if os.environ.get("SHOP_REQUIRE_SERVICES") == "1":
        pytest.fail(why + "; .ci/run installs them")
    pytest.skip(why)


def _site_config(*, tmp: Path, http_port: int, https_port: int, upstream_port: int, published: Path) -> str:
    """docs/nginx.conf with its placeholders filled in; every other line as shipped."""
    text = DOCS_CONF.read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "<shop.example.com>": HOST,
        "</etc/ssl/shop/fullchain.pem>": str(tmp / "cert.pem"),
        "</etc/ssl/shop/privkey.pem>": str(tmp / "key.pem"),
        "</srv/shop/var/staticfiles/>": f"{tmp / 'static'}/",
        "</srv/shop/var/published>": str(published),
        "<10.0.0.0/8>": "127.0.0.1",
        "server 127.0.0.1:8000 ": f"server 127.0.0.1:{upstream_port} ",
    }
    for placeholder, value in replacements.items():
        assert placeholder in text, f"docs/nginx.conf changed: {placeholder!r} is gone; update this test"
        text = text.replace(placeholder, value)
    return text


def _main_config(tmp: Path, site: Path) -> str:
    # What Debian's /etc/nginx/nginx.conf provides around a conf.d file, in a folder of the test's.
    return f"""
load_module {BROTLI_MODULE};
worker_processes 1;
error_log {tmp}/error.log warn;
pid {tmp}/nginx.pid;
user root;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {site};
}}
"""


@pytest.fixture
def proxy(stack, tmp_path, settings):
    nginx = _nginx_or_skip()
    # a product, published by the command into the folder nginx serves
    published = tmp_path / "published"
    settings.PUBLISHING_ENABLED = True
    settings.PUBLISHED_ROOT = published
    product = ProductFactory(name="Desk Lamp", slug="desk-lamp")
    variant = VariantFactory(product=product)
    stock_adjust(variant_id=variant.pk, delta=5, actor_id=None, reason="nginx test")
    call_command("publish_pages", "--product", str(product.pk), verbosity=0)
    # a static file, as collectstatic leaves them
    (tmp_path / "static" / "css").mkdir(parents=True)
    (tmp_path / "static" / "css" / "shop.0123456789ab.css").write_text("body { color: #222; }\n")
    # a self-signed certificate for localhost
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={HOST}",
            "-keyout",
            str(tmp_path / "key.pem"),
            "-out",
            str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    # gunicorn (publishing off in its settings: a page it answered is Django's, never the file)
    upstream = int(stack.web(workers=2).rsplit(":", 1)[1])
    http_port, https_port = free_port(), free_port()
    site = tmp_path / "shop.conf"
    site.write_text(
        _site_config(
            tmp=tmp_path,
            http_port=http_port,
            https_port=https_port,
            upstream_port=upstream,
            published=published,
        )
    )
    main = tmp_path / "nginx.conf"
    main.write_text(_main_config(tmp_path, site))
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(main), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

    def answers() -> bool:
        try:
            _get(https_port, "/healthz")
            return True
        except OSError:
            return False

    try:
        wait_until(answers, timeout=20, interval=0.1, what="nginx to answer")
        yield {"https": https_port, "http": http_port, "product": product, "published": published}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def _get(port: int, path: str, *, method: str = "GET", headers: dict | None = None, tls: bool = True):
    if tls:
        connection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=10, context=ssl._create_unverified_context()
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_a_published_page_is_served_by_nginx_from_its_brotli_and_gzip_twins(proxy):
    path = f"/p/{proxy['product'].pk}-desk-lamp/"
    page = (proxy["published"] / path.strip("/") / "index.html").read_bytes()
    # when a browser that speaks brotli asks
    status, headers, body = _get(proxy["https"], path, headers={"Accept-Encoding": "br, gzip"})
    # then nginx answers from the .br twin, with the page's cache headers
    assert status == 200
    assert headers["x-published"] == "1"
    assert headers["content-encoding"] == "br"
    assert headers["cache-control"] == "public, max-age=60, stale-while-revalidate=300"
    assert "set-cookie" not in headers
    assert brotli.decompress(body) == page
    # and one that speaks only gzip gets the .gz twin, one that speaks neither the page itself
    _, headers, body = _get(proxy["https"], path, headers={"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == page
    _, headers, body = _get(proxy["https"], path)
    assert "content-encoding" not in headers
    assert body == page


def test_what_is_not_a_published_page_reaches_django(proxy):
    path = f"/p/{proxy['product'].pk}-desk-lamp/"
    # a query string: Django renders the page itself
    status, headers, body = _get(proxy["https"], path + "?utm_source=mail")
    assert status == 200
    assert "x-published" not in headers
    assert b"Desk Lamp" in body
    # a page never published: the shop's own 404 page
    status, headers, body = _get(proxy["https"], "/p/999999-nothing/")
    assert status == 404
    assert b"Page not found" in body
    # the live JSON
    status, headers, body = _get(proxy["https"], f"/live/product/{proxy['product'].pk}/")
    assert status == 200
    assert headers["content-type"] == "application/json"
    # a POST to a published page's URL goes to Django, which refuses it without a CSRF token
    status, headers, _ = _get(proxy["https"], path, method="POST")
    assert status == 403
    assert "x-published" not in headers


def test_plain_http_is_redirected_and_static_files_are_cached_for_a_year(proxy):
    status, headers, _ = _get(proxy["http"], "/p/1-x/", tls=False)
    assert status == 301
    assert headers["location"] == f"https://{HOST}/p/1-x/"
    status, headers, body = _get(proxy["https"], "/static/css/shop.0123456789ab.css")
    assert status == 200
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert body == b"body { color: #222; }\n"
