"""The demo council's auditor completes a sampled deep dive in the browser and downloads its report.

The demo is built by its real builder, so the cases are the demo's own requests in every state, with
the audit trails the business actions left: the pages must cope with whatever the sample draws.
"""

import datetime
from io import BytesIO
from pathlib import Path

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from conferences.demo import DEMO_PASSWORD, build
from quality.deep_dive import QUESTIONS
from quality.models import DeepDiveAudit

SAMPLE = 3
# The same judgement for a question in every case, so the report's counts are known: R3, R6, R9 and R12 met,
# R1, R4, ... partly met, R2, R5, ... not met.
JUDGEMENTS = ("Met", "Partly met", "Not met")
GRADES = {1: "Good", 2: "Requires improvement", 3: "Inadequate"}


def _judgement(code: str) -> str:
    return JUDGEMENTS[int(code.removeprefix("R")) % 3]


def _compliance(code: str) -> tuple[int, int, int]:
    """Met, partly met and not met for the question, over the whole sample."""
    return tuple(SAMPLE if _judgement(code) == judgement else 0 for judgement in JUDGEMENTS)


def test_demo_auditor_completes_a_sampled_deep_dive_and_downloads_its_report(open_browser, tmp_path):
    build(children=60)
    today = timezone.localdate()
    auditor = open_browser("auditor")
    auditor.sign_in(DEMO_PASSWORD)

    page = auditor.nav("Deep dives", "deep dives")
    auditor.follow("Start an audit", "start an audit")
    page.get_by_label("Title").fill("Demo repeat plans")
    auditor.fill_date("Requests submitted from", today - datetime.timedelta(days=40))  # the demo spans weeks
    auditor.fill_date("Requests submitted up to and including", today)
    page.get_by_label("Service area").select_option(label="All service areas")
    page.get_by_label("Sample size").fill(str(SAMPLE))
    auditor.press("Start the audit", "audit started")
    assert f"Audit started with {SAMPLE} cases" in auditor.success_banner()
    expect(page.get_by_text(f"0 of {SAMPLE} cases graded")).to_be_visible()

    auditor.follow("case 1", "first case", exact=False)
    for position, grade in GRADES.items():
        expect(page.get_by_text(f"Demo repeat plans: case {position} of {SAMPLE}")).to_be_visible()
        for question in QUESTIONS:
            judgement = _judgement(question.code)
            group = page.get_by_role("group", name=f"Your judgement on {question.code}", exact=True)
            group.get_by_label(judgement, exact=True).check()
            page.get_by_label(f"Comment on {question.code}", exact=True).fill(f"Case {position}: {judgement.lower()}.")
        page.get_by_role("group", name="Grade").get_by_label(grade, exact=True).check()
        page.get_by_label("Learning points").fill(f"Case {position}: the analysis should name the new risks.")
        auditor.press("Save this case", f"case {position} saved")
        assert f"Case {position} saved." in auditor.success_banner()

    expect(page.get_by_text(f"{SAMPLE} of {SAMPLE} cases graded: the audit is complete")).to_be_visible()
    for grade in GRADES.values():
        expect(page.get_by_role("cell", name=grade, exact=True)).to_be_visible()

    auditor.follow("Audit report", "audit report")
    compliance = page.get_by_role("table", name="Compliance with each standard")
    for question in QUESTIONS:
        met, partly, not_met = _compliance(question.code)
        row = compliance.locator("tr").filter(
            has=page.get_by_role("rowheader", name=f"{question.code} {question.title}", exact=True)
        )
        expect(row.locator("td")).to_have_text([str(met), str(partly), str(not_met), f"{100 * met // SAMPLE}.0%"])
    expect(page.get_by_text("Case 3: the analysis should name the new risks.")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the report (XLSX)").click()
    saved = Path(tmp_path) / "report.xlsx"
    download_info.value.save_as(saved)
    book = load_workbook(BytesIO(saved.read_bytes()))
    cases = list(book["Cases"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[2]) for row in cases] == list(GRADES.items())
    assert all(row[5:] == tuple(_judgement(q.code) for q in QUESTIONS) for row in cases)
    summary = list(book["Summary"].iter_rows(values_only=True))
    for question in QUESTIONS:
        met, partly, not_met = _compliance(question.code)
        assert (question.code, question.title, met, partly, not_met, SAMPLE, 100.0 * met / SAMPLE) in summary
    grade_rows = [row[:2] for row in summary]
    for grade in GRADES.values():
        assert (grade, 1) in grade_rows
    assert DeepDiveAudit.objects.get().completed_at is not None
