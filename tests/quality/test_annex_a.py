"""Ofsted Annex A list 7 (issue 4, item 4): Ofsted's columns and formats, the six-month window,
CSV and XLSX, the page for the council-wide roles and the command."""

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from audit.models import AuditEvent
from quality import annex_a
from tests.factories import ChildFactory, CPPlanFactory, TeamFactory, UserFactory

ON = date(2025, 3, 31)  # the window runs from 30/09/2024 to 31/03/2025, both days counted

HEADER = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age",
    "Does the Child have a Disability",
    "Child Protection Plan Start Date",
    "Initial Category of Abuse",
    "Latest Category of Abuse",
    "Date of the Last Statutory Visit",
    "Was the Child Seen Alone?",
    "Date of latest review conference",
    "Child Protection Plan End Date",
    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
    "Number of Previous Child Protection Plans",
    "Allocated Team",
    "Allocated Worker",
]


def plan(child_id, start, end=None, **fields):
    child = ChildFactory(local_child_id=child_id) if isinstance(child_id, str) else child_id
    return CPPlanFactory(child=child, start_date=start, end_date=end, **fields)


def csv_rows(on_date=ON):
    return list(csv.DictReader(io.StringIO(annex_a.as_csv(on_date).decode("utf-8-sig"))))


def listed(on_date=ON):
    return [(row["Child Unique ID"], row["Child Protection Plan Start Date"]) for row in csv_rows(on_date)]


def test_the_csv_header_is_ofsteds_exactly(db):
    first_line = annex_a.as_csv(ON).decode("utf-8-sig").splitlines()[0]
    assert next(csv.reader([first_line])) == HEADER


def test_a_row_in_ofsteds_formats(db):
    team = TeamFactory(name="North Area Unit")
    worker = UserFactory(first_name="Sam", last_name="Patel")
    child = ChildFactory(
        local_child_id="A1",
        sex="2",
        ethnicity="MWBC",
        date_of_birth=date(2015, 4, 1),
        has_disability=True,
        team=team,
        allocated_worker=worker,
    )
    plan(child, date(2024, 10, 3), date(2025, 2, 14), initial_category="NEG", latest_category="MUL")
    (row,) = csv_rows()
    assert row == {
        "Child Unique ID": "A1",
        "Gender": "b) Female",
        "Ethnicity": "f) MWBC",
        "Date of Birth": "01/04/2015",
        "Age": "9",
        "Does the Child have a Disability": "a) Yes",
        "Child Protection Plan Start Date": "03/10/2024",
        "Initial Category of Abuse": "a) Neglect",
        "Latest Category of Abuse": "e) Multiple/not recommended",
        "Date of the Last Statutory Visit": "",
        "Was the Child Seen Alone?": "",
        "Date of latest review conference": "",
        "Child Protection Plan End Date": "14/02/2025",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)": "",
        "Number of Previous Child Protection Plans": "0",
        "Allocated Team": "North Area Unit",
        "Allocated Worker": "Sam Patel",
    }


@pytest.mark.parametrize(
    "code, shown",
    [("NEG", "a) Neglect"), ("PHY", "b) Physical abuse"), ("SAB", "c) Sexual abuse"), ("EMO", "d) Emotional abuse")],
)
def test_categories_are_written_as_annex_a_writes_them(db, code, shown):
    plan("A1", date(2025, 1, 1), initial_category=code, latest_category=code)
    (row,) = csv_rows()
    assert row["Initial Category of Abuse"] == row["Latest Category of Abuse"] == shown


def test_the_window_is_the_six_months_up_to_and_including_the_date(db):
    plan("ENDED_ON_FIRST_DAY", date(2024, 1, 1), date(2024, 9, 30))
    plan("ENDED_DAY_BEFORE", date(2024, 1, 1), date(2024, 9, 29))
    plan("STARTS_ON_DATE", date(2025, 3, 31))
    plan("STARTS_AFTER", date(2025, 4, 1))
    plan("OPEN_FOR_YEARS", date(2021, 5, 5))
    assert annex_a.window_start(ON) == date(2024, 9, 30)
    assert [child for child, _start in listed()] == ["ENDED_ON_FIRST_DAY", "OPEN_FOR_YEARS", "STARTS_ON_DATE"]


def test_a_child_with_two_plans_in_the_window_has_a_row_for_each(db):
    child = ChildFactory(local_child_id="TWO")
    plan(child, date(2024, 6, 1), date(2024, 11, 1))
    plan(child, date(2025, 2, 1))
    rows = csv_rows()
    assert [(r["Child Protection Plan Start Date"], r["Number of Previous Child Protection Plans"]) for r in rows] == [
        ("01/06/2024", "0"),
        ("01/02/2025", "1"),
    ]


def test_previous_plans_are_those_on_record_or_declared_whichever_is_more(db):
    recorded = ChildFactory(local_child_id="RECORDED")
    plan(recorded, date(2019, 1, 1), date(2019, 6, 1), held_by_other_council=True, other_council="Leeds")
    plan(recorded, date(2021, 1, 1), date(2021, 9, 1))
    plan(recorded, date(2025, 1, 1), declared_previous_plans=1)
    plan("DECLARED", date(2025, 1, 1), declared_previous_plans=3)
    counts = {row["Child Unique ID"]: row["Number of Previous Child Protection Plans"] for row in csv_rows()}
    assert counts == {"DECLARED": "3", "RECORDED": "2"}


def test_a_plan_held_by_another_council_is_not_a_row(db):
    plan("ELSEWHERE", date(2025, 1, 1), held_by_other_council=True, other_council="Leeds")
    assert csv_rows() == []


def test_unallocated_unborn_and_unknown_values_are_blank(db):
    child = ChildFactory(
        local_child_id="UNBORN", date_of_birth=None, expected_date_of_birth=date(2025, 6, 1), team=None, sex="0"
    )
    plan(child, date(2025, 2, 1))
    (row,) = csv_rows()
    assert row["Gender"] == "c) Not stated/recorded"
    assert (row["Date of Birth"], row["Age"], row["Does the Child have a Disability"]) == ("", "", "")
    assert (row["Allocated Team"], row["Allocated Worker"]) == ("", "")


@pytest.mark.parametrize(
    "birth, age",
    [(date(2015, 3, 31), 10), (date(2015, 4, 1), 9), (date(2012, 2, 29), 13), (date(2025, 4, 2), None)],
)
def test_age_is_whole_years_on_the_date(birth, age):
    assert annex_a.age_on(birth, ON) == age


def test_age_of_a_leap_day_child_turns_on_the_first_of_march():
    assert annex_a.age_on(date(2012, 2, 29), date(2025, 2, 28)) == 12
    assert annex_a.age_on(date(2012, 2, 29), date(2025, 3, 1)) == 13


def test_the_xlsx_opens_with_the_same_header_and_dates_shown_dd_mm_yyyy(db):
    plan("A1", date(2024, 10, 3), date(2025, 2, 14))
    sheet = openpyxl.load_workbook(io.BytesIO(annex_a.as_xlsx(ON))).active
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == HEADER
    start = rows[1][HEADER.index("Child Protection Plan Start Date")]
    assert start.value == datetime(2024, 10, 3)
    assert start.number_format == "DD/MM/YYYY"
    assert rows[1][HEADER.index("Initial Category of Abuse")].value == "a) Neglect"
    assert rows[1][HEADER.index("Age")].value == 9


def test_the_command_writes_the_list(db, tmp_path):
    plan("A1", date(2025, 1, 1))
    output = tmp_path / "list7.xlsx"
    call_command("annex_a", "--date", "2025-03-31", "--format", "xlsx", "--output", str(output), stdout=io.StringIO())
    sheet = openpyxl.load_workbook(output).active
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet["A2"].value == "A1"


def test_the_command_refuses_a_date_it_cannot_read(db, tmp_path):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("annex_a", "--date", "31/03/2025", "--output", str(tmp_path / "x.csv"))


# The page.


def download(client, user, **params):
    client.force_login(user)
    return client.get(reverse("annex_a:export"), params)


@pytest.mark.parametrize("role", ["auditor", "cp_chair", "cp_manager", "head_of_service"])
def test_the_council_wide_roles_download_the_list(client, council, role):
    plan("A1", date(2025, 1, 1))
    user = getattr(council, role)
    client.force_login(user)
    assert client.get(reverse("annex_a:export")).status_code == 200
    response = download(client, user, day="31", month="3", year="2025", format="csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="annex-a-list-7-2025-03-31.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert rows[1][0] == "A1"
    event = AuditEvent.objects.get(action="annex_a_export")
    assert (event.actor, event.after) == (user, {"date": "2025-03-31", "format": "csv"})


def test_the_xlsx_button_gives_a_workbook(client, council):
    response = download(client, council.auditor, day="31", month="03", year="2025", format="xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert [c.value for c in openpyxl.load_workbook(io.BytesIO(response.content)).active[1]] == HEADER


@pytest.mark.parametrize("role", ["social_worker", "team_manager", "area_manager", "service_manager"])
def test_case_holders_and_managers_may_not_download_the_list(client, council, role):
    response = download(client, getattr(council, role), day="31", month="3", year="2025", format="csv")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="annex_a_export").exists()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"day": "", "month": "", "year": ""}, "Enter the date of the list"),
        ({"day": "31", "month": "", "year": "2025"}, "Date of the list must include a month"),
        ({"day": "31", "month": "2", "year": "2025"}, "Date of the list must be a real date"),
        ({"day": "1", "month": "2", "year": "25"}, "Year must include 4 numbers"),
        ({"day": "1", "month": "1", "year": "2999"}, "Date of the list must be today or in the past"),
    ],
)
def test_a_date_that_cannot_be_used_is_explained_and_kept(client, council, params, message):
    response = download(client, council.auditor, format="csv", **params)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "govuk-error-summary" in page
    assert f'name="year" type="text" inputmode="numeric" value="{params["year"]}"' in page
