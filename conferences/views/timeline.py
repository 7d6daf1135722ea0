"""A request's audit trail in words: who did what, when (UK time), and each changed field before → after."""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from audit.models import AuditEvent
from cases.codes import names_of
from cases.models import Child
from conferences.actions import action_in_words
from conferences.models import ConferenceRequest, ProposedService
from conferences.stages import label_of


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class TimelineEntry:
    event: AuditEvent
    words: str
    changes: list[Change]
    stage_before: str
    stage_after: str


def _model_field(name: str):
    for model in (ConferenceRequest, ProposedService):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def _field_label(name: str) -> str:
    field = _model_field(name)
    return str(field.verbose_name).capitalize() if field else name.replace("_", " ").capitalize()


def _user_ids(events) -> set[int]:
    ids = set()
    for event in events:
        for values in (event.before, event.after):
            for key, value in values.items():
                if (key.endswith("_by") or key == "gap_owner") and isinstance(value, int):
                    ids.add(value)
    return ids


def _show(key, value, people, children) -> str:
    if value is None or value == "" or value == []:
        return "(blank)"
    if key in ("proposed_categories", "proposed_factors"):
        return names_of(value)
    if (key.endswith("_by") or key == "gap_owner") and isinstance(value, int):
        return people.get(value, f"person {value}")
    if key == "sibling" and isinstance(value, int):
        return children.get(value, f"child {value}")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    field = _model_field(key) if isinstance(value, str) else None
    try:
        if isinstance(field, models.DateTimeField):
            return f"{timezone.localtime(datetime.fromisoformat(value)):%-d %B %Y, %H:%M}"
        if isinstance(field, models.DateField):
            return f"{date.fromisoformat(value):%-d %B %Y}"
    except ValueError:  # an old event written in another format: show it as stored
        pass
    return str(value)


def trail_of(request_obj) -> list[AuditEvent]:
    """The request's audit trail, oldest first, with who acted: read once for the timeline and the corrections."""
    return list(AuditEvent.objects.filter(request=request_obj).select_related("actor").order_by("at", "pk"))


def timeline(request_obj, events) -> list[TimelineEntry]:
    """The request's audit trail (trail_of), in words, with each changed field before → after."""
    people = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(pk__in=_user_ids(events))
    }
    family = request_obj.child.family_id
    children = {child.pk: child.full_name for child in Child.objects.filter(family_id=family)} if family else {}
    entries = []
    for event in events:
        keys = list(dict.fromkeys([*event.before, *event.after]))
        changes = [
            Change(
                _field_label(key),
                _show(key, event.before.get(key), people, children),
                _show(key, event.after.get(key), people, children),
            )
            for key in keys
        ]
        words = action_in_words(event.action) + (f": {event.description}" if event.description else "")
        moved = event.state_before and event.state_after and event.state_before != event.state_after
        entries.append(
            TimelineEntry(
                event,
                words,
                changes,
                label_of(event.state_before) if moved else "",
                label_of(event.state_after) if moved else "",
            )
        )
    return entries
