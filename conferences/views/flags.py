"""The assessment's findings as flags a worker reads beside the analysis they write.

Every fact comes from the one assessment (conferences/assessment.py); this module only words it and
says which point of the four-point analysis (R4 to R7) each finding belongs to.
"""

from dataclasses import dataclass
from datetime import timedelta

from cases.durations import duration_words
from cases.templatetags.census_codes import name_of
from conferences.models import ChallengeTrigger

ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}


@dataclass(frozen=True)
class Flag:
    point: str  # "time_since", "plan_length", "risks", "services" or "overall"
    level: str  # "warning" draws the eye; "info" is context
    title: str
    text: str


def _names(codes) -> str:
    return ", ".join(f"{name_of(code)} ({code})" for code in codes)


def assessment_flags(assessment, on_date) -> list[Flag]:
    if assessment is None or not assessment.is_repeat:
        return []
    flags = []
    ordinal = ORDINALS.get(assessment.plan_number, f"{assessment.plan_number}th")
    if assessment.plan_number >= 3:
        flags.append(
            Flag(
                "overall",
                "warning",
                f"This would be the child's {ordinal} CP plan",
                "A third or later plan needs the Head of Service's agreement (R10).",
            )
        )
    else:
        flags.append(
            Flag(
                "overall",
                "info",
                f"This would be the child's {ordinal} CP plan",
                "A second plan: the Service Manager records the rationale on the child's file (R8).",
            )
        )
    if assessment.close_scrutiny:
        flags.append(
            Flag(
                "overall",
                "warning",
                "CP Manager close scrutiny",
                "The last plan ended within 12 months and the concerns are similar (R14).",
            )
        )

    since = duration_words(assessment.last_plan_end, on_date)
    if assessment.within_12_months:
        flags.append(
            Flag(
                "time_since",
                "warning",
                f"Under 12 months since the last plan ended ({since})",
                "Say why a further CP plan would help the child more than pre-proceedings or "
                "Child in Need planning (R4).",
            )
        )
    else:
        flags.append(
            Flag(
                "time_since",
                "info",
                f"The last plan ended {since} ago",
                f"It ended on {assessment.last_plan_end:%-d %B %Y}.",
            )
        )

    start = assessment.last_plan_end - timedelta(days=assessment.last_plan_days)
    length = duration_words(start, assessment.last_plan_end)
    if assessment.short_last_plan:
        flags.append(
            Flag(
                "plan_length",
                "warning",
                f"Short previous plan ({length})",
                "Under 3 months suggests the plan was stepped down before change was embedded (R5).",
            )
        )
    elif assessment.long_last_plan:
        flags.append(
            Flag(
                "plan_length",
                "warning",
                f"Long previous plan ({length})",
                "18 months or more makes it less likely that another plan will sustain change (R5).",
            )
        )
    else:
        flags.append(Flag("plan_length", "info", f"The previous plan lasted {length}", ""))

    if assessment.repeated_concerns:
        flags.append(
            Flag(
                "risks",
                "warning",
                "Repeated concerns",
                f"{_names(assessment.repeated_concerns)}. Say why change was not sustained (R6).",
            )
        )
    if assessment.new_concerns:
        flags.append(
            Flag(
                "risks",
                "info",
                "New concerns",
                f"{_names(assessment.new_concerns)}. Did they surface as other risks reduced? (R6)",
            )
        )
    if assessment.repeated_services:
        flags.append(
            Flag(
                "services",
                "warning",
                "Repeated services need a rationale",
                f"{', '.join(assessment.repeated_services)}: give a rationale and the impact expected (R7).",
            )
        )
    if assessment.challenge_triggers:
        triggers = "; ".join(ChallengeTrigger(t).label for t in assessment.challenge_triggers)
        flags.append(
            Flag(
                "overall",
                "warning",
                "Likely challenge and resolution",
                f"{triggers}. The CP chair will issue a challenge and resolution (R11).",
            )
        )
    return flags


def flags_by_point(flags) -> dict[str, list[Flag]]:
    grouped: dict[str, list[Flag]] = {}
    for flag in flags:
        grouped.setdefault(flag.point, []).append(flag)
    return grouped
