"""Deep-dive audits: which requests are chosen, a reproducible sample, the prefill, saving and the report."""

import datetime as dt
import hashlib
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import CPPlan
from conferences import records, transitions
from quality import deep_dive
from quality.deep_dive import QUESTION_CODES, DeepDiveError
from quality.models import DeepDiveAnswer
from tests.conferences.journeys import child_with_plans, drafted, proceeded, screened, submitted
from tests.factories import ChildFactory, ConferenceRequestFactory, CPPlanFactory


def _submitted_on(child, day, user):
    """A request submitted on a given day (only the date matters to the selection)."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return ConferenceRequestFactory(child=child, created_by=user, submitted_by=user, submitted_at=moment)


def _repeat_child(team, last_end=dt.date(2024, 6, 1)):
    child = ChildFactory(team=team)
    CPPlanFactory(child=child, start_date=last_end - dt.timedelta(days=200), end_date=last_end)
    return child


@pytest.fixture
def period_requests(council):
    """Requests submitted in March 2025 and around it, in both areas."""
    sw = council.social_worker
    made = {
        "north_repeat": _submitted_on(_repeat_child(council.north_team), dt.date(2025, 3, 10), sw),
        "north_repeat_2": _submitted_on(_repeat_child(council.north_team), dt.date(2025, 3, 31), sw),
        "south_repeat": _submitted_on(_repeat_child(council.south_team), dt.date(2025, 3, 1), sw),
        "first_plan": _submitted_on(ChildFactory(team=council.north_team), dt.date(2025, 3, 12), sw),
        "before": _submitted_on(_repeat_child(council.north_team), dt.date(2025, 2, 28), sw),
        "after": _submitted_on(_repeat_child(council.north_team), dt.date(2025, 4, 1), sw),
        # The previous plan ended after the request was submitted: not a previous plan at that date.
        "ended_later": _submitted_on(
            _repeat_child(council.north_team, last_end=dt.date(2025, 3, 20)), dt.date(2025, 3, 15), sw
        ),
    }
    return made


MARCH = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def test_an_audit_takes_the_repeat_requests_submitted_in_its_period(period_requests):
    chosen = set(deep_dive.repeat_requests(*MARCH))

    assert chosen == {
        period_requests["north_repeat"],
        period_requests["north_repeat_2"],
        period_requests["south_repeat"],
    }


def test_an_audit_of_a_service_area_or_team_takes_only_its_childrens_requests(council, period_requests):
    assert set(deep_dive.repeat_requests(*MARCH, service_area=council.south)) == {period_requests["south_repeat"]}
    assert set(deep_dive.repeat_requests(*MARCH, team=council.north_team)) == {
        period_requests["north_repeat"],
        period_requests["north_repeat_2"],
    }


def test_the_selection_counts_previous_plans_as_the_assessment_does(council):
    """plan_number >= 2 exactly when the assessment, as at submission, says the request is a repeat."""
    repeat = submitted(council, child_with_plans(council, 1))
    first = submitted(council, ChildFactory(team=council.north_team))
    today = timezone.localdate()

    chosen = set(deep_dive.repeat_requests(today, today))

    for request in (repeat, first):
        assessment, problem = deep_dive.assessment_at_submission(request)
        assert problem is None
        assert (request in chosen) == (assessment.plan_number >= 2)
    assert chosen == {repeat}


def test_a_sample_is_the_first_n_in_md5_of_seed_and_id_order(council):
    requests = [
        _submitted_on(_repeat_child(council.north_team), dt.date(2025, 3, day), council.social_worker)
        for day in range(1, 13)
    ]

    sample = deep_dive.select_request_ids(*MARCH, sample_size=4, seed="spring")

    by_hash = sorted(requests, key=lambda r: hashlib.md5(f"spring{r.pk}".encode()).hexdigest())
    assert sample == [r.pk for r in by_hash[:4]]
    assert deep_dive.select_request_ids(*MARCH, sample_size=4, seed="spring") == sample
    assert deep_dive.select_request_ids(*MARCH, sample_size=4, seed="autumn") != sample
    assert len(deep_dive.select_request_ids(*MARCH, sample_size=50, seed="spring")) == 12


def test_starting_a_sampled_audit_keeps_its_seed_so_the_sample_can_be_drawn_again(council, period_requests):
    audit = deep_dive.start_audit(
        council.auditor, title="Spring audit", period_from=MARCH[0], period_to=MARCH[1], sample_size=2
    )

    assert len(audit.seed) == 16
    ids = list(audit.cases.order_by("position").values_list("request_id", flat=True))
    assert ids == deep_dive.select_request_ids(*MARCH, sample_size=2, seed=audit.seed)
    again = deep_dive.start_audit(
        council.auditor, title="Re-run", period_from=MARCH[0], period_to=MARCH[1], sample_size=2, seed=audit.seed
    )
    assert list(again.cases.order_by("position").values_list("request_id", flat=True)) == ids


def test_an_audit_of_every_case_has_no_seed_and_takes_them_in_submission_order(council, period_requests):
    audit = deep_dive.start_audit(council.auditor, title="All of March", period_from=MARCH[0], period_to=MARCH[1])

    assert audit.seed == ""
    assert [case.request for case in audit.cases.order_by("position")] == [
        period_requests["south_repeat"],
        period_requests["north_repeat"],
        period_requests["north_repeat_2"],
    ]


def test_only_auditors_start_audits_and_an_empty_period_is_refused(council, period_requests):
    with pytest.raises(DeepDiveError, match="Only auditors"):
        deep_dive.start_audit(council.cp_manager, title="x", period_from=MARCH[0], period_to=MARCH[1])
    with pytest.raises(DeepDiveError, match="No repeat-plan requests"):
        deep_dive.start_audit(
            council.auditor, title="x", period_from=dt.date(2020, 1, 1), period_to=dt.date(2020, 1, 31)
        )


# --- What the record shows ---------------------------------------------------------------------------------------


def test_the_prefill_shows_what_the_record_holds_and_what_step_missing_says_it_lacks(council):
    request = proceeded(council, child_with_plans(council, 1))
    records.record_partners_informed(
        request.pk, council.social_worker, informed_on=dt.date(2025, 6, 1), context="Previous plan in 2024, neglect."
    )
    request.refresh_from_db()

    prefill = deep_dive.prefill(request)

    assert [code for code in QUESTION_CODES] == [f"R{n}" for n in range(1, 15)]
    assert prefill["R3"].applies and prefill["R3"].missing == []
    assert ("Timeframe and context shared", "Previous plan in 2024, neglect.") in prefill["R3"].shows
    assert [event.action for event in prefill["R3"].events] == ["record_partners_informed"]
    assert prefill["R4"].missing == ["Write the analysis of the time since the previous plan ended."]
    assert prefill["R13"].missing == ["Record the conversation with the CP chair."]
    assert [event.action for event in prefill["R2"].events] == ["proceed"]
    # Concerns by their census names, not their codes (the plan: NEG, 3B; the proposal: NEG, 3B, 2B).
    shows = dict(prefill["R6"].shows)
    assert shows["Repeated concerns"] == "Domestic abuse: parent or carer, Neglect"
    assert shows["New concerns"] == "Drug misuse: parent or carer"
    # A second plan: the Head of Service's step does not apply; no triggers, no siblings.
    assert not prefill["R10"].applies
    assert not prefill["R11"].applies
    assert not prefill["R12"].applies
    assert "Does not apply to this case." in prefill["R10"].as_text()


def test_the_prefill_knows_a_third_plan_and_a_challenge_trigger(council):
    child = child_with_plans(council, 2)
    short = CPPlan.objects.filter(child=child).order_by("-start_date").first()
    short.end_date = short.start_date + dt.timedelta(days=40)
    short.save()
    request = proceeded(council, child)

    prefill = deep_dive.prefill(request)

    assert prefill["R10"].applies
    assert ("Plan number", "3") in prefill["R10"].shows
    assert prefill["R11"].applies
    assert prefill["R11"].missing == ["Issue a challenge and resolution, or record why not."]
    assert ("Triggers", "Previous plan stepped down too early") in prefill["R11"].shows


def test_a_convened_request_is_audited_as_it_stood_when_submitted(council):
    """The plan the conference made starts after the request: it is the outcome, not the history."""
    request = proceeded(council, child_with_plans(council, 1))
    screened(council, request)
    transitions.accept(request.pk, council.cp_chair)
    transitions.record_conference(
        request.pk, council.cp_chair, held_on=timezone.localdate(), outcome="no_further_action"
    )
    CPPlanFactory(child=request.child, start_date=timezone.localdate() + dt.timedelta(days=1), end_date=None)
    request.refresh_from_db()

    assessment, problem = deep_dive.assessment_at_submission(request)
    prefill = deep_dive.prefill(request)

    assert problem is None and assessment.plan_number == 2
    assert all(not p.missing for code, p in prefill.items() if p.applies)


# --- Saving answers and the report -----------------------------------------------------------------------------


@pytest.fixture
def audit(council, period_requests):
    return deep_dive.start_audit(council.auditor, title="March", period_from=MARCH[0], period_to=MARCH[1])


def test_each_case_is_saved_on_its_own_and_the_audit_completes_with_the_last(council, audit):
    first, second, third = audit.cases.order_by("position")

    deep_dive.save_case(
        first,
        council.auditor,
        answers={"R1": ("met", ""), "R2": ("not_met", "No rationale.")},
        grade="requires_improvement",
        learning_points="Record the manager's rationale.",
    )
    audit.refresh_from_db()
    assert audit.completed_at is None
    assert deep_dive.progress(audit) == {"total": 3, "done": 1, "percent": 33, "label": "1 of 3"}

    # Saving again replaces the case's answers.
    deep_dive.save_case(
        first,
        council.auditor,
        answers={"R1": ("partly_met", "Only this council checked.")},
        grade="good",
        learning_points="",
    )
    assert list(DeepDiveAnswer.objects.filter(case=first).values_list("question", "judgement")) == [
        ("R1", "partly_met")
    ]

    for case in (second, third):
        deep_dive.save_case(case, council.auditor, answers={"R1": ("met", "")}, grade="outstanding", learning_points="")
    audit.refresh_from_db()
    assert audit.completed_at is not None


def test_only_auditors_answer_and_a_grade_is_needed(council, audit):
    case = audit.cases.first()
    with pytest.raises(DeepDiveError, match="Only auditors"):
        deep_dive.save_case(case, council.cp_manager, answers={}, grade="good", learning_points="")
    with pytest.raises(DeepDiveError, match="grade"):
        deep_dive.save_case(case, council.auditor, answers={}, grade="", learning_points="")
    with pytest.raises(DeepDiveError, match="R99"):
        deep_dive.save_case(case, council.auditor, answers={"R99": ("met", "")}, grade="good", learning_points="")


def test_the_report_counts_compliance_per_question_grades_and_learning_points(council, audit):
    first, second, third = audit.cases.order_by("position")
    deep_dive.save_case(
        first,
        council.auditor,
        answers={"R1": ("met", ""), "R3": ("not_met", "Partners not told.")},
        grade="inadequate",
        learning_points="Tell partners at the strategy discussion.",
    )
    deep_dive.save_case(
        second,
        council.auditor,
        answers={"R1": ("met", ""), "R3": ("partly_met", "No context.")},
        grade="good",
        learning_points="",
    )
    deep_dive.save_case(
        third,
        council.auditor,
        answers={"R1": ("not_met", "Other councils not checked.")},
        grade="good",
        learning_points="Check CP-IS every time.",
    )

    report = deep_dive.report(audit)

    r1 = next(q for q in report["questions"] if q["code"] == "R1")
    r3 = next(q for q in report["questions"] if q["code"] == "R3")
    assert (r1["met"], r1["partly_met"], r1["not_met"], r1["percent_met"]) == (2, 0, 1, 66.7)
    assert (r3["met"], r3["partly_met"], r3["not_met"], r3["percent_met"]) == (0, 1, 1, 0.0)
    assert next(q for q in report["questions"] if q["code"] == "R14")["percent_met"] is None
    assert {g["grade"]: g["count"] for g in report["grades"]} == {
        "outstanding": 0,
        "good": 2,
        "requires_improvement": 0,
        "inadequate": 1,
    }
    assert [case.learning_points for case in report["learning"]] == [
        "Tell partners at the strategy discussion.",
        "Check CP-IS every time.",
    ]

    book = load_workbook(BytesIO(deep_dive.report_xlsx(audit)))
    assert book.sheetnames == ["Summary", "Cases", "Comments", "Learning points"]
    summary = [row for row in book["Summary"].iter_rows(values_only=True)]
    assert ("R1", "Prior-plan check", 2, 0, 1, 3, 66.7) in summary
    assert book["Cases"].max_row == 4
    assert book["Learning points"]["D3"].value == "Check CP-IS every time."


def test_a_drafted_request_is_never_chosen(council):
    drafted(council, child_with_plans(council, 1))
    today = timezone.localdate()
    assert not deep_dive.repeat_requests(today, today).exists()
