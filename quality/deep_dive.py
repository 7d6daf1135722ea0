"""Deep-dive audits of repeat-plan requests (R15): choosing the cases, the standard questions, the prefill.

An audit covers the repeat-plan requests submitted in its period (plan number 2 or more, the
assessment's definition: a previous plan is one that ended on or before the day the request was
submitted), in a service area or team. It takes all of them or a sample of N; the sample is
reproducible because the seed is stored and the order is md5(seed || request id).

For each case the auditor answers the standard questions R1-R14 (DESIGN.md section 2). The app
pre-fills what the record shows: the request's facts, what conferences.requirements.step_missing
says is still missing for the step behind each question, and who recorded it when (the audit
events). The auditor's judgement is theirs: the prefill never answers for them.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from django.db import transaction
from django.db.models import CharField, Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import MD5, Cast, Coalesce, Concat, TruncDate
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from cases.codes import names_of
from cases.models import CPPlan
from conferences import assessment as steps
from conferences.assessment import AssessmentError, assess
from conferences.models import (
    AlternativeRoute,
    ChallengeTrigger,
    ConferenceRequest,
    HeadOfServiceGround,
    HistorySource,
)
from conferences.requirements import step_missing
from conferences.selectors import plan_records, proposal_of
from limits.spreadsheets import append_safe
from quality.access import may_run_deep_dives
from quality.models import DeepDiveAnswer, DeepDiveAudit, DeepDiveCase, Grade, Judgement


class DeepDiveError(Exception):
    """The audit cannot be started or the case cannot be saved; the message says why."""


@dataclass(frozen=True)
class Question:
    code: str
    title: str
    text: str
    steps: tuple[str, ...]  # the assessment's required steps behind the question
    actions: tuple[str, ...]  # the audit events that are its evidence
    analysis_point: str = ""  # for R4-R7: the words of step_missing's message for its point of the analysis


QUESTIONS = (
    Question(
        "R1",
        "Prior-plan check",
        "Was the child's CP history checked before the conference was requested, including plans held by other "
        "councils?",
        (steps.PRIOR_PLAN_CHECK,),
        ("confirm_previous_plan", "confirm_no_previous_plan"),
    ),
    Question(
        "R2",
        "Manager discussion",
        "Did the worker discuss with the Area or Service Manager whether another route fits better (legal "
        "planning meeting, pre-proceedings, Child in Need planning), with the outcome recorded?",
        (steps.MANAGER_DISCUSSION,),
        ("proceed", "choose_alternative_route"),
    ),
    Question(
        "R3",
        "Strategy discussion",
        "Were the strategy discussion partners told that the child had a previous plan, with its timeframe and "
        "context?",
        (steps.PARTNERS_INFORMED,),
        ("record_partners_informed",),
    ),
    Question(
        "R4",
        "Time since the previous plan ended",
        "Does the analysis address the time since the previous plan ended and, if under 12 months, why a further "
        "plan would help the child more than pre-proceedings or Child in Need planning?",
        (steps.REPEAT_ANALYSIS,),
        ("record_analysis",),
        "time since",
    ),
    Question(
        "R5",
        "Length of the previous plan",
        "Does the analysis consider the length of the previous plan (short: stepped down too early; long: less "
        "likely that another plan sustains change)?",
        (steps.REPEAT_ANALYSIS,),
        ("record_analysis",),
        "length of the previous plan",
    ),
    Question(
        "R6",
        "Same or new risks",
        "Does the analysis say whether the risks are the same or new, why change was not sustained, and give an "
        "overview of the collated risks and the child's lived experience?",
        (steps.REPEAT_ANALYSIS,),
        ("record_analysis",),
        "risks",
    ),
    Question(
        "R7",
        "Services",
        "Does the record say what was done under the previous plan, what will be different and what the family "
        "will engage with, with a rationale and expected impact for any repeated service?",
        (steps.REPEAT_ANALYSIS, steps.REPEATED_SERVICE_RATIONALE),
        ("record_analysis", "record_service_rationale", "record_proposed_services"),
        "services",
    ),
    Question(
        "R8",
        "Service Manager's rationale",
        "Has the Service Manager recorded the rationale for another plan on the child's file?",
        (steps.SERVICE_MANAGER_RATIONALE,),
        ("proceed", "choose_alternative_route"),
    ),
    Question(
        "R9",
        "Screening",
        "Did the CP chair and the social worker discuss the difference the plan will make compared with the "
        "alternatives, and the timescale within which it should reduce the risk?",
        (steps.CPC_SCREENING,),
        ("record_screening", "accept", "decline", "return_for_information"),
    ),
    Question(
        "R10",
        "Third or later plan",
        "Did the Head of Service agree the third or later plan, on the ground that the risks are significantly "
        "different or the child's circumstances have substantially changed?",
        (steps.HEAD_OF_SERVICE_SIGNOFF,),
        ("agree", "refuse"),
    ),
    Question(
        "R11",
        "Challenge and resolution",
        "Where the previous plan was stepped down early, closed with actions outstanding or its core-group "
        "actions were not implemented, did the CP chair issue a challenge and resolution?",
        (steps.CHALLENGE_AND_RESOLUTION,),
        (
            "issue_challenge",
            "record_challenge_not_issued",
            "respond_challenge",
            "resolve_challenge",
            "escalate_challenge",
        ),
    ),
    Question(
        "R12",
        "Siblings",
        "Was it considered and recorded whether every child in the family should be subject of the conference?",
        (steps.SIBLING_CONSIDERATION,),
        ("record_sibling_decision",),
    ),
    Question(
        "R13",
        "Conversation with the CP chair",
        "Did the worker and the CP chair discuss how the conference will be run, why returning to CP is right, "
        "what worked and did not, and how to engage the family?",
        (steps.CP_CHAIR_CONVERSATION,),
        ("record_cp_chair_conversation",),
    ),
    Question(
        "R14",
        "CP Manager oversight",
        "Did the CP Manager have oversight, with close scrutiny where the previous plan ended within 12 months "
        "and the concerns are similar?",
        (steps.CP_MANAGER_CONSULTATION,),
        ("record_cp_manager_consultation",),
    ),
)
QUESTION_CODES = [question.code for question in QUESTIONS]


# --- Choosing the cases ---------------------------------------------------------------------------------------


def repeat_requests(period_from: date, period_to: date, service_area=None, team=None):
    """Requests submitted in the period (local dates, both included) for a child with a previous plan by then."""
    previous_plans = (
        CPPlan.objects.filter(child=OuterRef("child"), end_date__lte=OuterRef("submitted_on"))
        .values("child")
        .annotate(n=Count("pk"))
        .values("n")
    )
    requests = (
        ConferenceRequest.objects.filter(submitted_at__date__gte=period_from, submitted_at__date__lte=period_to)
        .annotate(submitted_on=TruncDate("submitted_at"))
        .annotate(previous_plans=Coalesce(Subquery(previous_plans), 0))
        .filter(previous_plans__gte=1)
    )
    if team is not None:
        requests = requests.filter(child__team=team)
    elif service_area is not None:
        requests = requests.filter(child__team__service_area=service_area)
    return requests


def select_request_ids(period_from, period_to, service_area=None, team=None, sample_size=None, seed="") -> list[int]:
    """Every case in submission order, or a sample of N in md5(seed || id) order: the same seed, the same sample."""
    requests = repeat_requests(period_from, period_to, service_area, team)
    if sample_size is None:
        return list(requests.order_by("submitted_at", "pk").values_list("pk", flat=True))
    keyed = requests.annotate(sample_key=MD5(Concat(Value(seed), Cast("pk", CharField()))))
    return list(keyed.order_by("sample_key", "pk").values_list("pk", flat=True)[:sample_size])


def start_audit(
    user, *, title, period_from, period_to, service_area=None, team=None, sample_size=None, seed=""
) -> DeepDiveAudit:
    """Start a deep dive and fix its cases. A sample with no seed given gets a new random one, kept on the audit."""
    if not may_run_deep_dives(user):
        raise DeepDiveError("Only auditors start deep-dive audits.")
    if period_from > period_to:
        raise DeepDiveError("The start of the period must not be after its end.")
    if sample_size is not None:
        seed = seed.strip() or secrets.token_hex(8)
    ids = select_request_ids(period_from, period_to, service_area, team, sample_size, seed)
    if not ids:
        raise DeepDiveError("No repeat-plan requests were submitted in that period for that area or team.")
    with transaction.atomic():
        audit = DeepDiveAudit.objects.create(
            title=title.strip(),
            period_from=period_from,
            period_to=period_to,
            service_area=service_area,
            team=team,
            sample_size=sample_size,
            seed=seed if sample_size is not None else "",
            created_by=user,
        )
        DeepDiveCase.objects.bulk_create(
            DeepDiveCase(audit=audit, request_id=request_id, position=number)
            for number, request_id in enumerate(ids, start=1)
        )
    return audit


# --- What the record shows ------------------------------------------------------------------------------------


@dataclass
class Prefill:
    applies: bool
    shows: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    events: list = field(default_factory=list)

    def as_text(self) -> str:
        """Kept beside the answer, so the report says what the auditor saw even after the record changed."""
        lines = [f"{label}: {value}" for label, value in self.shows]
        lines += [f"Missing: {message}" for message in self.missing]
        if not self.applies:
            lines.insert(0, "Does not apply to this case.")
        return "\n".join(lines)


def submission_date(request) -> date:
    return timezone.localdate(request.submitted_at) if request.submitted_at else timezone.localdate()


def assessment_at_submission(request):
    """The assessment as the request stood when submitted, or the reason it cannot be made.

    Plans that started on or after that day are left out: the conference may have led to one, and
    that plan is the outcome, not the history the gatekeepers had before them.
    """
    on_date = submission_date(request)
    history = [plan for plan in plan_records(request.child) if plan.start < on_date]
    try:
        return assess(history, proposal_of(request), on_date, siblings=request.child.siblings().count()), None
    except AssessmentError as error:
        return None, f"The child's plan history cannot be assessed: {error}"


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%-d %b %Y %H:%M") if moment else ""


def _yes_no(value) -> str:
    return "Yes" if value else "No"


def _choices(values, choices) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(value, value)) for value in values)


def _facts(question: Question, request, assessment) -> list[tuple[str, str]]:
    a = assessment
    # Only the asked question's facts are built: several read the database.
    facts = {
        "R1": lambda: [
            ("Sources checked", _choices(request.sources_checked, HistorySource.choices)),
            ("Checked by", _person(request.prior_plan_checked_by)),
            ("Checked at", _when(request.prior_plan_checked_at)),
            ("Previous plans on record", a and str(a.previous_plans)),
        ],
        "R2": lambda: [
            ("Alternatives considered", _choices(request.alternatives_considered, AlternativeRoute.choices)),
            ("Manager's rationale", request.manager_rationale),
            ("Alternative route chosen", request.get_alternative_route_display()),
            ("Decided by", _person(request.manager_decided_by)),
        ],
        "R3": lambda: [
            ("Partners told on", request.partners_informed_on and request.partners_informed_on.strftime("%-d %b %Y")),
            ("Timeframe and context shared", request.partners_informed_context),
        ],
        "R4": lambda: [
            ("Days since the previous plan ended", a and str(a.days_since_last_plan_end)),
            ("Within 12 months", a and _yes_no(a.within_12_months)),
            ("Analysis", request.analysis_time_since),
        ],
        "R5": lambda: [
            ("Length of the previous plan (days)", a and str(a.last_plan_days)),
            ("Short (3 months or less)", a and _yes_no(a.short_last_plan)),
            ("Long (18 months or more)", a and _yes_no(a.long_last_plan)),
            ("Analysis", request.analysis_plan_length),
        ],
        "R6": lambda: [
            ("Repeated concerns", a and names_of(a.repeated_concerns)),
            ("New concerns", a and names_of(a.new_concerns)),
            ("Analysis", request.analysis_risks),
        ],
        "R7": lambda: [
            ("Repeated services", a and ", ".join(a.repeated_services)),
            ("Analysis", request.analysis_services),
            *[
                (f"Rationale for '{service.name}'", service.repeat_rationale)
                for service in request.proposed_services.all()
                if service.repeat_rationale
            ],
        ],
        "R8": lambda: [
            ("Rationale on the child's file", request.manager_rationale),
            ("Recorded by", _person(request.manager_decided_by)),
            ("Recorded at", _when(request.manager_decided_at)),
        ],
        "R9": lambda: [
            ("Difference the plan will make", request.screening_difference),
            ("Weeks to reduce the risk", request.screening_timescale_weeks and str(request.screening_timescale_weeks)),
            ("Screened by", _person(request.screened_by)),
        ],
        "R10": lambda: [
            ("Plan number", a and str(a.plan_number)),
            ("Grounds", _choices(request.head_of_service_grounds, HeadOfServiceGround.choices)),
            ("Head of Service's rationale", request.head_of_service_rationale),
            ("Decided by", _person(request.head_of_service_decided_by)),
        ],
        "R11": lambda: [
            ("Triggers", a and _choices(a.challenge_triggers, ChallengeTrigger.choices)),
            *[(f"Challenge issued {_when(c.issued_at)}", c.get_state_display()) for c in request.challenges.all()],
            ("Why no challenge was issued", request.challenge_not_issued_reason),
        ],
        "R12": lambda: [
            (
                f"Sibling {d.sibling.full_name}",
                f"{'Include' if d.include_in_conference else 'Not included'}: {d.reason}",
            )
            for d in request.sibling_decisions.select_related("sibling")
        ],
        "R13": lambda: [
            ("Conversation", request.cp_chair_conversation),
            ("Held on", request.cp_chair_conversation_on and request.cp_chair_conversation_on.strftime("%-d %b %Y")),
        ],
        "R14": lambda: [
            ("Close scrutiny (within 12 months, similar concerns)", a and _yes_no(a.close_scrutiny)),
            ("Consultation", request.cp_manager_consultation),
            ("Consulted by", _person(request.cp_manager_consulted_by)),
        ],
    }[question.code]()
    return [(label, value or "Not recorded") for label, value in facts]


def prefill(request) -> dict[str, Prefill]:
    """For each question: whether its step applies, what the record shows, what it lacks, and the audit events."""
    assessment, problem = assessment_at_submission(request)
    events = list(request.audit_events.select_related("actor").order_by("at", "pk"))
    result = {}
    for question in QUESTIONS:
        if assessment is None:
            applies, missing = True, [problem]
        else:
            required = [step for step in question.steps if step in assessment.required_steps]
            applies = bool(required)
            missing = []
            for step in required:
                messages = step_missing(request, step, assessment)
                if step == steps.REPEAT_ANALYSIS:
                    messages = [m for m in messages if question.analysis_point in m]
                missing += messages
        result[question.code] = Prefill(
            applies=applies,
            shows=_facts(question, request, assessment),
            missing=missing,
            events=[event for event in events if event.action in question.actions],
        )
    return result


# --- The auditor's answers ------------------------------------------------------------------------------------


def save_case(
    case: DeepDiveCase, user, *, answers: dict, grade: str, learning_points: str, record_showed: dict | None = None
) -> DeepDiveCase:
    """Keep one case's answers (question code -> (judgement, comment)), grade and learning points.

    Saved as the auditor goes: each case on its own; the audit is complete when every case is graded.
    """
    if not may_run_deep_dives(user):
        raise DeepDiveError("Only auditors answer deep-dive questions.")
    if grade not in Grade.values:
        raise DeepDiveError("Choose the grade for the case.")
    unknown = set(answers) - set(QUESTION_CODES)
    if unknown:
        raise DeepDiveError(f"Unknown question(s): {', '.join(sorted(unknown))}.")
    record_showed = record_showed or {}
    with transaction.atomic():
        case = DeepDiveCase.objects.select_for_update().get(pk=case.pk)
        for code, (judgement, comment) in answers.items():
            if judgement not in Judgement.values:
                raise DeepDiveError(f"Choose met, partly met or not met for {code}.")
            DeepDiveAnswer.objects.update_or_create(
                case=case,
                question=code,
                defaults={
                    "judgement": judgement,
                    "comment": comment.strip(),
                    "record_showed": record_showed.get(code, ""),
                },
            )
        case.answers.exclude(question__in=list(answers)).delete()
        case.grade = grade
        case.learning_points = learning_points.strip()
        case.audited_by = user
        case.audited_at = timezone.now()
        case.save()
        audit = DeepDiveAudit.objects.select_for_update().get(pk=case.audit_id)
        if not audit.cases.filter(grade="").exists() and audit.completed_at is None:
            audit.completed_at = timezone.now()
            audit.save(update_fields=["completed_at"])
    return case


def save_case_part_way(case: DeepDiveCase, user, *, answers: dict, learning_points: str) -> DeepDiveCase:
    """Keep what the auditor has written so far (question code -> (judgement or "", comment)), nothing required.

    The case stays ungraded, so it does not count as audited; a graded case is changed only in full (save_case).
    """
    if not may_run_deep_dives(user):
        raise DeepDiveError("Only auditors answer deep-dive questions.")
    unknown = set(answers) - set(QUESTION_CODES)
    if unknown:
        raise DeepDiveError(f"Unknown question(s): {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        case = DeepDiveCase.objects.select_for_update().get(pk=case.pk)
        if case.grade:
            raise DeepDiveError("This case is graded: save it in full, with every answer it needs.")
        for code, (judgement, comment) in answers.items():
            if judgement and judgement not in Judgement.values:
                raise DeepDiveError(f"Choose met, partly met or not met for {code}.")
            DeepDiveAnswer.objects.update_or_create(
                case=case, question=code, defaults={"judgement": judgement, "comment": comment.strip()}
            )
        case.answers.exclude(question__in=list(answers)).delete()
        case.learning_points = learning_points.strip()
        case.audited_by = user
        case.audited_at = timezone.now()
        case.save(update_fields=["learning_points", "audited_by", "audited_at"])
    return case


def progress(audit: DeepDiveAudit) -> dict:
    """How many cases are graded, of how many."""
    counts = audit.cases.aggregate(total=Count("pk"), done=Count("pk", filter=~Q(grade="")))
    counts["percent"] = round(100 * counts["done"] / counts["total"]) if counts["total"] else 0
    counts["label"] = f"{counts['done']} of {counts['total']}"
    return counts


# --- The report ------------------------------------------------------------------------------------------------


def report(audit: DeepDiveAudit) -> dict:
    """Compliance per question, the grades and the learning points, counted in the database."""
    answer_counts = (
        DeepDiveAnswer.objects.filter(case__audit=audit)
        .exclude(case__grade="")  # a case saved part-way is not audited yet
        .values("question", "judgement")
        .annotate(n=Count("pk"))
    )
    per_question = {code: dict.fromkeys(Judgement.values, 0) for code in QUESTION_CODES}
    for row in answer_counts:
        per_question[row["question"]][row["judgement"]] = row["n"]
    questions = []
    for question in QUESTIONS:
        counts = per_question[question.code]
        answered = sum(counts.values())
        questions.append(
            {
                "code": question.code,
                "title": question.title,
                "text": question.text,
                **counts,
                "answered": answered,
                "percent_met": round(100 * counts[Judgement.MET] / answered, 1) if answered else None,
            }
        )
    grade_counts = dict(audit.cases.exclude(grade="").values_list("grade").annotate(n=Count("pk")))
    grades = [{"grade": value, "label": label, "count": grade_counts.get(value, 0)} for value, label in Grade.choices]
    graded = audit.cases.exclude(grade="")
    learning = list(graded.exclude(learning_points="").select_related("request", "audited_by").order_by("position"))
    return {"questions": questions, "grades": grades, "learning": learning, "progress": progress(audit)}


def report_xlsx(audit: DeepDiveAudit) -> bytes:
    """The report as a workbook: summary per question, grades, every case's answers and the learning points."""
    summary = report(audit)
    book = Workbook()
    sheet = book.active
    sheet.title = "Summary"
    bold = Font(bold=True)
    append_safe(sheet, [audit.title])
    sheet["A1"].font = bold
    append_safe(sheet, ["Period", f"{audit.period_from:%-d %b %Y} to {audit.period_to:%-d %b %Y}"])
    append_safe(sheet, ["Scope", str(audit.team or audit.service_area or "All service areas")])
    append_safe(
        sheet, ["Cases", "all" if audit.sample_size is None else f"sample of {audit.sample_size} (seed {audit.seed})"]
    )
    append_safe(sheet, ["Graded", f"{summary['progress']['done']} of {summary['progress']['total']}"])
    append_safe(sheet, [])
    append_safe(sheet, ["Question", "Title", "Met", "Partly met", "Not met", "Answered", "% met"])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for q in summary["questions"]:
        append_safe(
            sheet, [q["code"], q["title"], q["met"], q["partly_met"], q["not_met"], q["answered"], q["percent_met"]]
        )
    append_safe(sheet, [])
    append_safe(sheet, ["Grade", "Cases"])
    for grade in summary["grades"]:
        append_safe(sheet, [grade["label"], grade["count"]])

    cases = book.create_sheet("Cases")
    append_safe(cases, ["Case", "Request", "Grade", "Audited by", "Audited at", *QUESTION_CODES])
    answers = {}
    for answer in DeepDiveAnswer.objects.filter(case__audit=audit):
        answers[(answer.case_id, answer.question)] = answer.get_judgement_display()
    for case in audit.cases.select_related("audited_by"):
        append_safe(
            cases,
            [
                case.position,
                case.request_id,
                case.get_grade_display(),
                _person(case.audited_by),
                _when(case.audited_at),
                *[answers.get((case.pk, code), "") for code in QUESTION_CODES],
            ],
        )

    comments = book.create_sheet("Comments")
    append_safe(comments, ["Case", "Question", "Judgement", "Comment", "What the record showed"])
    for answer in (
        DeepDiveAnswer.objects.filter(case__audit=audit).select_related("case").order_by("case__position", "pk")
    ):
        append_safe(
            comments,
            [
                answer.case.position,
                answer.question,
                answer.get_judgement_display(),
                answer.comment,
                answer.record_showed,
            ],
        )

    learning = book.create_sheet("Learning points")
    append_safe(learning, ["Case", "Request", "Grade", "Learning points"])
    for case in summary["learning"]:
        append_safe(learning, [case.position, case.request_id, case.get_grade_display(), case.learning_points])
    for worksheet in book.worksheets[1:]:
        for cell in worksheet[1]:
            cell.font = bold
    out = BytesIO()
    book.save(out)
    return out.getvalue()
