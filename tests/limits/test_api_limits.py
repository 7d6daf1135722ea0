"""The API keeps the same date bounds as the pages: 1 January 1900 to five years ahead."""

from tests.api.conftest import client_for


def test_indicators_from_the_year_0001_are_400_with_the_bounds(council):
    response = client_for(council.auditor).get("/api/v1/indicators/", {"from": "0001-01-01", "to": "9999-12-31"})
    assert response.status_code == 400
    body = str(response.json())
    assert "on or after 1 January 1900" in body and "on or before 31 December" in body
