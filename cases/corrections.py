"""The corrections of a child's CP plans, read back from the plans' own history (pghistory).

The trail keeps every version of a plan; a correction is a version written under the data manager's
`correct_plan` context, which carries the reason. So the child's page shows, for each correction, who
made it, when, why, and each changed value as it was before and as it is after: the first correction's
"before" is the plan as originally recorded.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model

from cases.codes import name_of
from cases.models import CPPlan, HowPlanEnded

# The plan's values a correction may change, in the words the child's page uses.
CORRECTED_FIELDS = {
    "start_date": "Start",
    "end_date": "End",
    "initial_category": "Initial category",
    "latest_category": "Latest category",
    "assessment_factors": "Assessment factors",
    "how_ended": "How it ended",
    "outstanding_actions_at_closure": "Actions outstanding at closure",
    "core_group_actions_not_implemented": "Core group actions not implemented",
    "held_by_other_council": "Held by another council",
    "other_council": "Other council",
    "declared_previous_plans": "Previous plans declared by the census",
}


@dataclass(frozen=True)
class Correction:
    at: datetime
    by: str
    reason: str
    changes: list[tuple[str, str, str]]  # (what, as it was, as corrected)


def _shown(field: str, value) -> str:
    if value in (None, "", []):
        return "Not recorded"
    if field in ("initial_category", "latest_category"):
        return name_of(value)
    if field == "assessment_factors":
        return ", ".join(name_of(code) for code in value)
    if field == "how_ended":
        return HowPlanEnded(value).label if value in HowPlanEnded.values else value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "strftime"):
        return f"{value:%-d %B %Y}"
    return str(value)


def plan_corrections(plans) -> dict[int, list[Correction]]:
    """Each plan's corrections, oldest first, keyed by plan id (plans never corrected are left out)."""
    events = (
        CPPlan.pgh_event_model.objects.filter(pgh_obj_id__in=[plan.pk for plan in plans])
        .select_related("pgh_context")
        .order_by("pgh_obj_id", "pgh_id")
    )
    found: dict[int, list] = {}
    previous = {}
    for event in events:
        before = previous.get(event.pgh_obj_id)
        previous[event.pgh_obj_id] = event
        metadata = event.pgh_context.metadata if event.pgh_context_id else {}
        if before is None or metadata.get("action") != "correct_plan":
            continue
        changes = [
            (label, _shown(field, getattr(before, field)), _shown(field, getattr(event, field)))
            for field, label in CORRECTED_FIELDS.items()
            if getattr(before, field) != getattr(event, field)
        ]
        found.setdefault(event.pgh_obj_id, []).append((event.pgh_created_at, metadata, changes))
    users = get_user_model().objects.in_bulk(
        {metadata.get("user") for rows in found.values() for _, metadata, _ in rows if metadata.get("user")}
    )
    return {
        plan_id: [
            Correction(
                at=at,
                by=_name(users.get(metadata.get("user"))),
                reason=metadata.get("reason", ""),
                changes=changes,
            )
            for at, metadata, changes in rows
        ]
        for plan_id, rows in found.items()
    }


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else "Someone"
