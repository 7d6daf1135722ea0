"""An auditor reads the indicators, completes a sampled deep dive in the browser and downloads its report."""

import datetime
from io import BytesIO
from pathlib import Path

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from quality.models import DeepDiveAudit
from tests.factories import ChildFactory, ConferenceRequestFactory, CPPlanFactory


def _march_requests(council, count=3):
    for day in range(1, count + 1):
        child = ChildFactory(team=council.north_team, first_name="Child", last_name=f"Number {day}")
        CPPlanFactory(child=child, start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2024, 9, 1))
        CPPlanFactory(child=child, start_date=datetime.date(2025, 3, 20), end_date=None)
        ConferenceRequestFactory(
            child=child,
            created_by=council.social_worker,
            submitted_by=council.social_worker,
            submitted_at=timezone.make_aware(datetime.datetime(2025, 3, day * 5, 10)),
        )


def test_auditor_reads_the_indicators_and_completes_a_sampled_deep_dive(council, sign_in, tmp_path):
    _march_requests(council)
    auditor = sign_in(council.auditor)

    page = auditor.visit("/quality/indicators/?date_from=2025-01-01&date_to=2025-12-31", "indicators")
    expect(page.get_by_text("England: 24.5% (2025)")).to_be_visible()
    auditor.follow("3 – see the cases", "cases behind the plans started")
    expect(page.get_by_role("link", name="Child Number 1")).to_be_visible()

    auditor.visit("/quality/deep-dives/", "deep dives")
    auditor.follow("Start an audit", "start an audit")
    page.get_by_label("Title").fill("March repeat plans")
    auditor.fill_date("Requests submitted from", datetime.date(2025, 3, 1))
    auditor.fill_date("Requests submitted up to and including", datetime.date(2025, 3, 31))
    page.get_by_label("Sample size").fill("2")
    auditor.press("Start the audit", "audit started")
    assert "Audit started with 2 cases" in auditor.success_banner()
    expect(page.get_by_text("0 of 2 cases graded")).to_be_visible()

    auditor.follow("case 1", "first case", exact=False)
    expect(page.get_by_role("link", name="the request (request", exact=False)).to_be_visible()
    for position in (1, 2):
        for number in range(1, 15):
            group = page.get_by_role("group", name=f"Your judgement on R{number}", exact=True)
            group.get_by_label("Met", exact=True).check()
        page.get_by_role("group", name="Grade").get_by_label("Good", exact=True).check()
        page.get_by_label("Learning points").fill(f"Case {position}: the manager's rationale was clear.")
        auditor.press("Save this case", f"case {position} saved")

    expect(page.get_by_text("2 of 2 cases graded: the audit is complete")).to_be_visible()
    auditor.follow("Audit report", "audit report")
    expect(page.get_by_text("Case 2: the manager's rationale was clear.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the report (XLSX)").click()
    saved = Path(tmp_path) / "report.xlsx"
    download_info.value.save_as(saved)
    summary = list(load_workbook(BytesIO(saved.read_bytes()))["Summary"].iter_rows(values_only=True))
    assert ("R1", "Prior-plan check", 2, 0, 0, 2, 100.0) in summary
    assert DeepDiveAudit.objects.get().completed_at is not None
