"""Every date a person types or a command reads is within sensible bounds: no year 0001, no year 9999."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from conferences import records
from conferences.forms import UKDateField
from limits.dates import EARLIEST, check_date_bounds, latest
from tests.factories import ChildFactory


def boxes(name, day, month, year):
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def test_the_bounds_are_1900_to_five_years_ahead():
    assert check_date_bounds(EARLIEST) == EARLIEST
    assert check_date_bounds(latest()) == latest()
    with pytest.raises(ValidationError, match="must be on or after 1 January 1900"):
        check_date_bounds(date(1, 1, 1))
    with pytest.raises(ValidationError, match="must be on or before 31 December"):
        check_date_bounds(date(9999, 12, 31))


@pytest.mark.parametrize(
    ("year", "message"), [("0001", "on or after 1 January 1900"), ("9999", "on or before 31 December")]
)
def test_the_date_field_every_form_uses_refuses_year_0001_and_9999(year, message):
    field = UKDateField(label="The date of the strategy discussion")
    with pytest.raises(ValidationError, match=message):
        field.clean(["1", "1", year])


def test_a_request_date_out_of_bounds_is_a_clear_message_and_nothing_saved(client, council):
    request = records.start_request(ChildFactory(team=council.north_team), council.social_worker)
    client.force_login(council.social_worker)
    response = client.post(
        reverse("conferences:section", args=[request.pk, "proposal"]),
        {"expected_state": "draft", "reason": "Seen at school.", **boxes("strategy_discussion_date", "1", "1", "0001")},
    )
    assert response.status_code == 400
    assert "The date of the strategy discussion must be on or after 1 January 1900" in response.content.decode()
    request.refresh_from_db()
    assert request.strategy_discussion_date is None and request.reason == ""


def test_annex_a_for_the_year_0001_is_a_message_not_a_server_error(client, council):
    client.force_login(council.auditor)
    response = client.get(reverse("annex_a:export"), {"day": "1", "month": "1", "year": "0001", "format": "xlsx"})
    assert response.status_code == 400
    assert "must be on or after 1 January 1900" in response.content.decode()


def test_indicators_from_0001_to_9999_are_refused_at_once(client, council):
    client.force_login(council.auditor)
    response = client.get(reverse("audit:indicators"), {"date_from": "0001-01-01", "date_to": "9999-12-31"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "must be on or after 1 January 1900" in page
    assert "must be on or before 31 December" in page


def test_an_indicator_period_longer_than_the_page_allows_points_to_the_background_report(client, council):
    client.force_login(council.auditor)
    response = client.get(reverse("audit:indicators"), {"date_from": "2015-01-01", "date_to": "2025-12-31"})
    assert response.status_code == 400
    assert "at most 5 years on this page" in response.content.decode()
    within = client.get(reverse("audit:indicators"), {"date_from": "2021-01-01", "date_to": "2025-12-31"})
    assert within.status_code == 200


def test_commands_refuse_dates_out_of_bounds(db, tmp_path):
    with pytest.raises(CommandError, match="on or after 1 January 1900"):
        call_command("annex_a", "--date", "0001-01-01", "--output", str(tmp_path / "a.csv"))
    with pytest.raises(CommandError, match="on or before 31 December"):
        call_command("indicators", "--from", "2025-01-01", "--to", "9999-12-31")
