"""The OpenAPI schema and its documentation page, served by the app itself with no internet."""

import json

from django.contrib.staticfiles import finders


def test_the_schema_is_openapi_3_json_with_every_resource(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {path for path in schema["paths"]} >= {
        "/api/v1/children/",
        "/api/v1/children/{local_child_id}/",
        "/api/v1/children/{local_child_id}/plans/",
        "/api/v1/children/{local_child_id}/plans/{plan_id}/",
        "/api/v1/requests/",
        "/api/v1/requests/{id}/",
        "/api/v1/requests/{id}/transitions/{name}/",
        "/api/v1/assessment/",
        "/api/v1/indicators/",
        "/api/v1/audit-events/",
        "/api/v1/record-access/",
    }
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from `python manage.py create_api_token USERNAME`.",
    }


def test_the_documentation_page_uses_only_assets_the_app_serves(client):
    page = client.get("/api/docs/").content.decode()

    assets = [src for src in page.split('"') if "drf_spectacular_sidecar" in src]
    assert assets, page
    for src in assets:
        assert src.startswith("/static/"), src
        assert finders.find(src.removeprefix("/static/")), src
    assert "cdn" not in page.lower() and "https://" not in page
