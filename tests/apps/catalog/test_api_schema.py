import os
import subprocess
import sys
from pathlib import Path

import yaml

BASE_DIR = Path(__file__).resolve().parents[3]
CATALOG_PATHS = [
    "/api/catalog/products/",
    "/api/catalog/products/{product_id}/",
    "/api/catalog/categories/",
    "/api/catalog/brands/",
]


def test_the_schema_endpoint_describes_the_catalog_api(client):
    # when the OpenAPI schema is fetched
    response = client.get("/api/schema/")

    # then it lists every catalog endpoint, with the list's filters and the detail's 404
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    for path in CATALOG_PATHS:
        assert "get" in schema["paths"][path], path
    parameters = {p["name"] for p in schema["paths"]["/api/catalog/products/"]["get"]["parameters"]}
    assert parameters == {"brand", "category", "max_price", "min_price", "ordering", "page", "q"}
    assert set(schema["paths"]["/api/catalog/products/{product_id}/"]["get"]["responses"]) == {"200", "404"}
    children = schema["components"]["schemas"]["CategoryNode"]["properties"]["children"]
    assert children["items"] == {"$ref": "#/components/schemas/CategoryNode"}


def test_the_docs_page_answers(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200


def test_the_schema_generates_without_a_single_warning(tmp_path, settings):
    # when the schema is generated with --fail-on-warn under the test settings
    target = tmp_path / "schema.yml"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "REDIS_URL": settings.REDIS_URL}
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--fail-on-warn", "--file", str(target)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    # then it succeeds and holds the catalog paths
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Warning" not in result.stderr
    schema = yaml.safe_load(target.read_text())
    assert set(CATALOG_PATHS) <= set(schema["paths"])
