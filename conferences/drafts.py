"""Drafts: long answers kept as the person types them, so that no error, refusal, conflict or session end
loses their work.

A draft is the person's own and belongs to one field of one form on one request. It is written as they
type (and when the session is about to end), put back when they open the page again, and deleted once
the form it belongs to is saved. It is never a record: nobody else sees it, nothing decides on it, and
it does not change the request's version.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from conferences.models import Draft


@dataclass(frozen=True)
class Kept:
    """A draft as the page shows it: the text, the version of the request it was typed on, and when."""

    text: str
    version: int
    saved_at: datetime


def keep(user, request_id, field: str, text: str, version: int) -> None:
    """Keep what the person has typed in one field; an emptied field leaves no draft."""
    with transaction.atomic(durable=True):
        if not text.strip():
            Draft.objects.filter(user=user, request_id=request_id, field=field).delete()
            return
        Draft.objects.update_or_create(
            user=user, request_id=request_id, field=field, defaults={"text": text, "version": version}
        )


def kept(user, request_id, prefix: str) -> dict[str, Kept]:
    """This person's drafts of one form (its fields named `<prefix>-<name>`), by field name without the prefix."""
    drafts = Draft.objects.filter(user=user, request_id=request_id, field__startswith=f"{prefix}-")
    return {draft.field.removeprefix(f"{prefix}-"): Kept(draft.text, draft.version, draft.saved_at) for draft in drafts}


def forms_with_drafts(user, request_id) -> set[str]:
    """The forms (by prefix) in which this person has unsaved text on this request."""
    fields = Draft.objects.filter(user=user, request_id=request_id).values_list("field", flat=True)
    return {field.split("-", 1)[0] for field in fields}


def discard(user, request_id, prefix: str) -> None:
    """The form was saved: its drafts are done with."""
    with transaction.atomic(durable=True):
        Draft.objects.filter(user=user, request_id=request_id, field__startswith=f"{prefix}-").delete()
