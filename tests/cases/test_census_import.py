"""Importing CP plan history from CIN census returns (issue 4, items 1 and 5).

Specification: each child goes in whole or is rejected with the rule it breaks; a second import
of the same return changes nothing; a plan open in one year's return and ended in the next is one
plan; new children come in unallocated; the upload page runs the import as a task and keeps the
rejection report for download.
"""

import csv
import io
import time
import tracemalloc
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from audit.models import AuditEvent
from cases.census import read_children
from cases.history_import import import_census
from cases.models import Child, CPPlan, ImportRun
from cases.permissions import children_visible_to
from cases.tasks import run_history_import
from tests.cases import census_xml as x
from tests.factories import ChildFactory, CPPlanFactory


def history_events() -> int:
    return sum(apps.get_model("cases", name).objects.count() for name in ("ChildEvent", "CPPlanEvent"))


def sample_expectations():
    """What the sample should give, worked out from the XML directly (not with the app's parser):
    a child is rejected when any of its plans ends before it starts (rule 8925)."""
    expected = {"children": 0, "plans": 0, "rejected": set()}
    for element in ET.parse(x.SAMPLE).getroot().iter("Child"):
        child_id = element.findtext("ChildIdentifiers/LAchildID")
        plans = element.findall("CINdetails/ChildProtectionPlans")
        if any(p.findtext("CPPendDate") and p.findtext("CPPendDate") < p.findtext("CPPstartDate") for p in plans):
            expected["rejected"].add(child_id)
        else:
            expected["children"] += 1
            expected["plans"] += len(plans)
    return expected


@pytest.fixture
def imported_sample(db):
    return import_census(str(x.SAMPLE))


def test_the_sample_goes_in_except_the_child_whose_plan_ends_before_it_starts(imported_sample):
    expected = sample_expectations()
    assert expected["rejected"] == {"HID00009"}
    summary = imported_sample
    assert summary.children_read == expected["children"] + 1
    assert (summary.children_created, summary.children_updated, summary.children_unchanged) == (
        expected["children"],
        0,
        0,
    )
    assert (summary.plans_created, summary.plans_updated, summary.plans_unchanged) == (expected["plans"], 0, 0)
    assert summary.children_rejected == 1
    (rejection,) = summary.rejections
    assert (rejection.child_id, rejection.rules) == ("HID00009", ("8925",))
    assert Child.objects.count() == expected["children"]
    assert CPPlan.objects.count() == expected["plans"]
    assert not Child.objects.filter(local_child_id="HID00009").exists()


def test_imported_children_are_unallocated_unnamed_and_seen_only_council_wide(imported_sample, council):
    child = Child.objects.get(local_child_id="HID00010")
    assert (child.team, child.first_name, child.last_name) == (None, "", "")
    assert child.full_name == "HID00010"
    assert (child.date_of_birth, child.sex, child.ethnicity) == (date(2017, 8, 27), "2", "WBRI")
    assert children_visible_to(council.cp_chair).filter(pk=child.pk).exists()
    assert children_visible_to(council.data_manager).filter(pk=child.pk).exists()
    assert not children_visible_to(council.social_worker).filter(pk=child.pk).exists()


def test_declared_previous_plans_go_on_the_plan_and_the_child(imported_sample):
    child = Child.objects.get(local_child_id="HID00148")
    assert [(p.start_date, p.declared_previous_plans) for p in child.plans.order_by("start_date")] == [
        (date(2024, 3, 27), 2),
        (date(2024, 7, 20), 3),
    ]
    assert child.declared_previous_plans == 3


def test_importing_the_same_return_again_changes_nothing(imported_sample):
    children, plans, events = Child.objects.count(), CPPlan.objects.count(), history_events()
    again = import_census(str(x.SAMPLE))
    assert (again.children_created, again.children_updated, again.children_rejected) == (0, 0, 1)
    assert again.children_unchanged == children
    assert (again.plans_created, again.plans_updated, again.plans_unchanged) == (0, 0, plans)
    assert (Child.objects.count(), CPPlan.objects.count(), history_events()) == (children, plans, events)


def test_a_plan_open_in_one_return_and_ended_in_the_next_is_one_plan(db, tmp_path):
    year_1 = x.write(
        tmp_path,
        "2024.xml",
        x.census(x.child("T1", x.episode(x.plan("2023-11-01"), factors=("3B",))), reference="2024-03-31"),
    )
    year_2 = x.write(
        tmp_path,
        "2025.xml",
        x.census(x.child("T1", x.episode(x.plan("2023-11-01", "2024-08-15", latest="EMO"))), reference="2025-03-31"),
    )
    first = import_census(str(year_1))
    assert (first.children_created, first.plans_created) == (1, 1)
    second = import_census(str(year_2))
    assert (second.children_updated, second.plans_created, second.plans_updated) == (1, 0, 1)
    (plan,) = CPPlan.objects.filter(child__local_child_id="T1")
    assert (plan.start_date, plan.end_date, plan.latest_category) == (date(2023, 11, 1), date(2024, 8, 15), "EMO")
    assert plan.assessment_factors == ["3B"], "a return without an assessment keeps the factors held"
    assert plan.events.count() == 2  # pghistory: inserted, then updated once


def test_an_older_return_loaded_after_a_newer_one_leaves_the_ended_plan_alone(db, tmp_path):
    ended = x.write(tmp_path, "2025.xml", x.census(x.child("T1", x.episode(x.plan("2023-11-01", "2024-08-15")))))
    still_open = x.write(
        tmp_path, "2024.xml", x.census(x.child("T1", x.episode(x.plan("2023-11-01"))), reference="2024-03-31")
    )
    import_census(str(ended))
    summary = import_census(str(still_open))
    assert (summary.children_unchanged, summary.plans_unchanged) == (1, 1)
    assert CPPlan.objects.get(child__local_child_id="T1").end_date == date(2024, 8, 15)


def test_plans_in_the_file_and_held_plans_must_not_overlap(db, tmp_path):
    held = CPPlanFactory(child__local_child_id="T1", start_date=date(2024, 1, 10), end_date=date(2024, 9, 1))
    path = x.write(tmp_path, "r.xml", x.census(x.child("T1", x.episode(x.plan("2024-06-01", "2025-01-01")))))
    summary = import_census(str(path))
    assert summary.rejections[0].rules == ("8940",)
    assert list(CPPlan.objects.filter(child=held.child)) == [held]


def test_an_existing_child_keeps_names_team_and_worker_and_gains_the_census_facts(db, tmp_path):
    existing = ChildFactory(local_child_id="T1", first_name="Amy", last_name="Stone", sex="0")
    team = existing.team
    path = x.write(tmp_path, "r.xml", x.census(x.child("T1", x.episode(x.plan("2024-06-01")), sex="2")))
    summary = import_census(str(path))
    assert (summary.children_updated, summary.plans_created) == (1, 1)
    existing.refresh_from_db()
    assert (existing.first_name, existing.last_name, existing.team, existing.sex) == ("Amy", "Stone", team, "2")


def test_a_rejected_child_leaves_nothing_behind_and_the_others_go_in(db, tmp_path):
    path = x.write(
        tmp_path,
        "r.xml",
        x.census(
            x.child("GOOD1", x.episode(x.plan("2024-01-10", "2024-06-01"))),
            x.child("BAD", x.episode(x.plan("2024-01-10", "2024-06-01"), x.plan("2024-03-01"))),
            x.child("GOOD2", x.episode(x.plan("2024-02-10"))),
        ),
    )
    summary = import_census(str(path))
    assert summary.rejections[0].child_id == "BAD"
    assert set(Child.objects.values_list("local_child_id", flat=True)) == {"GOOD1", "GOOD2"}


RULE_CASES = {
    "8925": x.child("R", x.episode(x.plan("2024-05-01", "2024-04-01"))),
    "8840": x.child("R", x.episode(x.plan("2024-05-01", "2024-05-01"))),
    "8935": x.child("R", x.episode(x.plan("2024-01-01")), x.episode(x.plan("2024-06-01"))),
    "8940": x.child("R", x.episode(x.plan("2024-01-01", "2024-08-01"), x.plan("2024-06-01", "2024-12-01"))),
    "8905": x.child("R", x.episode(x.plan("2024-05-01", initial="XYZ"))),
    "8910": x.child("R", x.episode(x.plan("2024-05-01", latest=""))),
    "8730": x.child("R", x.episode(x.plan("2024-05-01", previous=None))),
    "8841": x.child("R", x.episode(x.plan("2024-05-01", reviews=("2024-05-01",)))),
    "8915": x.child("R", x.episode(x.plan("2024-05-01")), death="2024-04-01"),
    "8920": x.child("R", x.episode(x.plan("2024-01-01", "2024-05-01")), death="2024-04-01"),
    "1105": x.child("R", x.episode(x.plan("2024-05-01"), referral="2024-06-01")),
    "2885": x.child("R", x.episode(x.plan("2024-05-01"), conference="2024-04-28")),
    "4001": x.child("R", x.episode(x.plan("2024-05-01"), cin_plans=[("2023-01-01", None)])),
    "4016": x.child("R", x.episode(x.plan("2024-01-01", "2024-08-01"), cin_plans=[("2024-03-01", "2024-04-01")])),
    "schema": x.child("R", x.episode(x.plan("2024-05-01")), birth=None),
}


@pytest.mark.parametrize("rule", RULE_CASES)
def test_a_child_breaking_a_census_rule_is_rejected_naming_the_rule(db, tmp_path, rule):
    path = x.write(tmp_path, "r.xml", x.census(RULE_CASES[rule], x.child("OK", x.episode(x.plan("2024-05-01")))))
    summary = import_census(str(path))
    (rejection,) = summary.rejections
    assert rejection.child_id == "R"
    assert rule in rejection.rules
    assert list(Child.objects.values_list("local_child_id", flat=True)) == ["OK"]


def test_a_plan_starting_on_its_conference_day_or_before_the_census_year_passes_2885(db, tmp_path):
    path = x.write(
        tmp_path,
        "r.xml",
        x.census(
            x.child("A", x.episode(x.plan("2024-05-01"), conference="2024-05-01")),
            x.child("B", x.episode(x.plan("2023-05-01", "2024-06-01"), conference="2023-04-20")),
        ),
    )
    assert import_census(str(path)).children_rejected == 0


def test_assessment_factors_come_from_the_plans_own_episode(db, tmp_path):
    path = x.write(
        tmp_path,
        "r.xml",
        x.census(
            x.child(
                "A",
                x.episode(x.plan("2023-01-10", "2023-09-01"), factors=("3B", "2B")),
                x.episode(x.plan("2024-02-01", previous="1"), referral="2024-01-01", factors=("16A",)),
            ),
            x.child("B", sex="1", sex_tag="Sex"),
            reference="2024-03-31",
        ),
    )
    import_census(str(path))
    plans = CPPlan.objects.filter(child__local_child_id="A").order_by("start_date")
    assert [p.assessment_factors for p in plans] == [["2B", "3B"], ["16A"]], import_census(str(path)).rejections
    assert Child.objects.get(local_child_id="B").sex == "1"


def test_the_command_prints_the_summary_and_writes_the_report(db, tmp_path):
    out = io.StringIO()
    report = tmp_path / "rejected.csv"
    call_command("import_cin_census", str(x.SAMPLE), "--no-progress", "--report", str(report), stdout=out)
    expected = sample_expectations()
    text = out.getvalue()
    assert f"Children: {expected['children']} created, 0 updated, 0 unchanged, 1 rejected" in text
    assert f"CP plans: {expected['plans']} created, 0 updated, 0 unchanged" in text
    assert "Rejected HID00009: Rule 8925" in text
    rows = list(csv.reader(report.open(encoding="utf-8")))
    assert rows[0] == ["Child ID", "Rule", "Problem"]
    assert [row[:2] for row in rows[1:]] == [["HID00009", "8925"]]


def test_the_command_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_cin_census", str(tmp_path / "none.xml"), "--no-progress")


# The upload page and the background task.


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, user, content: bytes, name="return.xml"):
    client.force_login(user)
    return client.post(reverse("history_import:upload"), {"file": SimpleUploadedFile(name, content)})


def test_the_data_manager_uploads_a_return_and_sees_the_run_finish(
    client, council, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = upload(client, council.data_manager, x.SAMPLE.read_bytes())
    assert len(queued) == 1
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("history_import:run", kwargs={"pk": run.pk})
    expected = sample_expectations()
    assert (run.status, run.progress, run.uploaded_by) == (ImportRun.Status.DONE, 100, council.data_manager)
    assert (run.children_created, run.plans_created, run.children_rejected) == (
        expected["children"],
        expected["plans"],
        1,
    )
    assert run.started_at is not None and run.finished_at is not None
    assert run.report == [
        {
            "child_id": "HID00009",
            "problems": [
                {
                    "rule": "8925",
                    "message": "Child Protection Plan End Date earlier than Start Date: "
                    "the plan ends on 2024-05-01, before it starts on 2024-09-01",
                }
            ],
        }
    ]
    page = client.get(response.url)
    assert page.status_code == 200
    assert "HID00009" in page.content.decode()
    status = client.get(reverse("history_import:run_status", kwargs={"pk": run.pk})).json()
    assert (status["status"], status["progress"], status["active"]) == ("done", 100, False)
    report = client.get(reverse("history_import:run_report", kwargs={"pk": run.pk}))
    assert report["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows == [["Child ID", "Rule", "Problem"], ["HID00009", "8925", run.report[0]["problems"][0]["message"]]]
    assert AuditEvent.objects.filter(action="cin_census_import", actor=council.data_manager).count() == 1


def test_a_run_is_done_once_even_if_its_task_is_delivered_twice(council, media):
    run = ImportRun.objects.create(
        file=SimpleUploadedFile("r.xml", x.census(x.child("A")).encode()),
        original_name="r.xml",
        uploaded_by=council.data_manager,
    )
    assert run_history_import(run.pk) == ImportRun.Status.DONE
    assert run_history_import(run.pk) is None
    assert AuditEvent.objects.filter(action="cin_census_import").count() == 1


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("return.csv", b"<Message/>", "must be an XML file"),
        ("return.xml", b"", "is empty"),
        ("return.xml", b"LAchildID,Sex\n", "is not XML"),
    ],
)
def test_a_file_that_is_not_a_return_is_refused_with_a_message(client, council, media, name, content, message):
    response = upload(client, council.data_manager, content, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()


def test_only_the_data_manager_and_administrators_load_returns(client, council, media, django_user_model):
    for user in (council.social_worker, council.cp_chair, council.head_of_service, council.auditor):
        client.force_login(user)
        assert client.get(reverse("history_import:upload")).status_code == 403
    assert upload(client, council.cp_manager, b"<Message/>").status_code == 403
    client.force_login(council.data_manager)
    assert client.get(reverse("history_import:upload")).status_code == 200
    admin = django_user_model.objects.create_superuser("admin", "admin@council.example", "pw-123456789")
    client.force_login(admin)
    assert client.get(reverse("history_import:upload")).status_code == 200


def test_the_run_pages_are_for_the_data_manager_only(client, council, media):
    run = ImportRun.objects.create(
        file=SimpleUploadedFile("r.xml", b"<Message/>"), original_name="r.xml", uploaded_by=council.data_manager
    )
    client.force_login(council.social_worker)
    for name in ("run", "run_status", "run_report"):
        assert client.get(reverse(f"history_import:{name}", kwargs={"pk": run.pk})).status_code == 403


# Constant memory: the figures are printed, only behaviour is asserted.


def large_return(path, children: int):
    with path.open("w", encoding="utf-8") as out:
        out.write(x.census("@@").split("@@")[0])
        for n in range(children):
            episodes = x.episode(x.plan("2023-05-10", "2024-05-10")), x.episode(x.plan("2024-06-01"))
            out.write(x.child(f"B{n:06d}", *episodes))
            out.write("\n")
        out.write(x.census("@@").split("@@")[1])
    return path


@pytest.mark.benchmark
def test_reading_a_large_return_holds_one_child_at_a_time(tmp_path):
    figures = {}
    for children in (2_000, 20_000):
        path = large_return(tmp_path / f"large-{children}.xml", children)
        tracemalloc.start()
        count = sum(1 for _ in read_children(str(path)))
        figures[children] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert count == children
        size = path.stat().st_size / 1e6
        print(f"\nparse {children} children ({size:.1f} MB): peak {figures[children] / 1e3:.0f} kB")


@pytest.mark.benchmark
def test_importing_a_large_return_keeps_memory_small(db, tmp_path):
    """The whole import, database included, over a return big enough to show the batches at work
    (kept to 1,000 children: with tracemalloc on, each costs tens of milliseconds)."""
    children = 1_000
    path = large_return(tmp_path / "large.xml", children)
    tracemalloc.start()
    started = time.perf_counter()
    summary = import_census(str(path))
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"\nimport {children} children: {seconds:.1f} s, peak {peak / 1e6:.1f} MB traced")
    assert (summary.children_created, summary.plans_created, summary.children_rejected) == (children, 2 * children, 0)
    assert CPPlan.objects.count() == 2 * children


def test_the_auditor_cannot_rewrite_plan_history_with_a_census_upload(client, council, media):
    """Auditors read only: their upload is refused and nothing is queued or written."""
    plans_before = CPPlan.objects.count()
    response = upload(client, council.auditor, x.SAMPLE.read_bytes())
    assert response.status_code == 403
    assert not ImportRun.objects.exists()
    assert CPPlan.objects.count() == plans_before
