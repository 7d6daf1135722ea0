"""The assessment's findings as pages show them: tags for lists, and flags a worker reads beside the analysis.

Every fact comes from the one assessment (conferences/assessment.py); this module only words it. Each
finding is a row of data (which point of the four-point analysis R4-R7 it belongs to, when it shows,
and its words), so a new finding is a new row, not a new branch.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from cases.codes import name_of
from cases.durations import duration_words
from conferences.assessment import Assessment, is_long, is_short
from conferences.models import ChallengeTrigger

ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}


# --- Tags: the findings a decision-maker filters on ---------------------------------------------


@dataclass(frozen=True)
class FlagTag:
    key: str  # the Assessment attribute that raises it
    words: str
    colour: str


FLAGS = [
    FlagTag("close_scrutiny", "Close scrutiny", "red"),
    FlagTag("within_12_months", "Within 12 months", "orange"),
    FlagTag("similar_concerns", "Similar concerns", "purple"),
    FlagTag("short_last_plan", "Short last plan", "yellow"),
    FlagTag("long_last_plan", "Long last plan", "yellow"),
    FlagTag("challenge_triggers", "Reason for challenge", "pink"),
]


def flag_tags(assessment: Assessment | None) -> list[FlagTag]:
    """The assessment's findings as tags; close scrutiny already says that the concerns are similar."""
    if assessment is None:
        return []
    tags = [tag for tag in FLAGS if getattr(assessment, tag.key)]
    if assessment.close_scrutiny:
        tags = [tag for tag in tags if tag.key != "similar_concerns"]
    return tags


# --- Flags: the findings beside the worker's analysis ------------------------------------------


@dataclass(frozen=True)
class Flag:
    point: str  # "time_since", "plan_length", "risks", "services" or "overall"
    level: str  # "warning" draws the eye; "info" is context
    title: str
    text: str


@dataclass(frozen=True)
class Finding:
    """One row: when it shows (of the assessment), and its words, filled from `_words`."""

    point: str
    level: str
    shows: Callable[[Assessment], bool]
    title: str
    text: str = ""


FINDINGS = [
    Finding(
        "overall",
        "warning",
        lambda a: a.plan_number >= 3,
        "This would be the child's {ordinal} CP plan",
        "A third or later plan needs the Head of Service's agreement (R10).",
    ),
    Finding(
        "overall",
        "info",
        lambda a: a.plan_number < 3,
        "This would be the child's {ordinal} CP plan",
        "A second plan: the Service Manager records the rationale on the child's file (R8).",
    ),
    Finding(
        "overall",
        "warning",
        lambda a: a.close_scrutiny,
        "CP Manager close scrutiny",
        "The last plan ended within 12 months and the concerns are similar (R14).",
    ),
    Finding(
        "time_since",
        "warning",
        lambda a: a.within_12_months,
        "Under 12 months since the last plan ended ({since})",
        "Say why a further CP plan would help the child more than pre-proceedings or Child in Need planning (R4).",
    ),
    Finding("time_since", "info", lambda a: not a.within_12_months, "The last plan ended {since} ago", "{ended}"),
    Finding(
        "plan_length",
        "warning",
        lambda a: a.short_last_plan,
        "Short previous plan ({length})",
        "Under 3 months suggests the plan was stepped down before change was embedded (R5).",
    ),
    Finding(
        "plan_length",
        "warning",
        lambda a: a.long_last_plan and not a.short_last_plan,
        "Long previous plan ({length})",
        "18 months or more makes it less likely that another plan will sustain change (R5).",
    ),
    Finding(
        "plan_length",
        "info",
        lambda a: not (a.short_last_plan or a.long_last_plan),
        "The previous plan lasted {length}",
    ),
    Finding(
        "risks",
        "warning",
        lambda a: a.repeated_concerns,
        "Repeated concerns",
        "{repeated}. Say why change was not sustained (R6).",
    ),
    Finding(
        "risks",
        "info",
        lambda a: a.new_concerns,
        "New concerns",
        "{new}. Did they surface as other risks reduced? (R6)",
    ),
    Finding(
        "services",
        "warning",
        lambda a: a.repeated_services,
        "Repeated services need a rationale",
        "{services}: give a rationale and the impact expected (R7).",
    ),
    Finding(
        "overall",
        "warning",
        lambda a: a.challenge_triggers,
        "Likely challenge and resolution",
        "{triggers}. The CP chair will issue a challenge and resolution (R11).",
    ),
]


def _names(codes) -> str:
    return ", ".join(f"{name_of(code)} ({code})" for code in codes)


def _words(assessment, on_date) -> dict[str, str]:
    last_end = assessment.last_plan_end
    return {
        "ordinal": ORDINALS.get(assessment.plan_number, f"{assessment.plan_number}th"),
        "since": duration_words(last_end, on_date),
        "ended": f"It ended on {last_end:%-d %B %Y}.",
        "length": duration_words(last_end - timedelta(days=assessment.last_plan_days), last_end),
        "repeated": _names(assessment.repeated_concerns),
        "new": _names(assessment.new_concerns),
        "services": ", ".join(assessment.repeated_services),
        "triggers": "; ".join(ChallengeTrigger(t).label for t in assessment.challenge_triggers),
    }


def assessment_flags(assessment, on_date) -> list[Flag]:
    """The findings of a repeat request that show, in order; none for a first plan."""
    if assessment is None or not assessment.is_repeat:
        return []
    words = _words(assessment, on_date)
    return [
        Flag(finding.point, finding.level, finding.title.format(**words), finding.text.format(**words))
        for finding in FINDINGS
        if finding.shows(assessment)
    ]


def flags_by_point(flags) -> dict[str, list[Flag]]:
    grouped: dict[str, list[Flag]] = {}
    for flag in flags:
        grouped.setdefault(flag.point, []).append(flag)
    return grouped


# --- The child's plans on a decision page ------------------------------------------------------


@dataclass(frozen=True)
class PlanSummary:
    plan: object
    categories: tuple[str, ...]
    days: int | None
    short: bool
    long: bool


def plan_summaries(child) -> list[PlanSummary]:
    summaries = []
    for plan in child.plans.all():
        ended = plan.end_date is not None
        summaries.append(
            PlanSummary(
                plan=plan,
                categories=tuple(sorted(plan.categories)),
                days=(plan.end_date - plan.start_date).days if ended else None,
                short=ended and is_short(plan.start_date, plan.end_date),
                long=ended and is_long(plan.start_date, plan.end_date),
            )
        )
    return summaries
