"""Drafts: long answers kept as the person types them, so that no error, refusal, conflict or session end
loses their work.

A draft is the person's own and belongs to one field of one form on one request: a decision page's form
(its prefix is the action, "screening"), a step of one of the request's challenges (the challenge and the
step, "challenge7_respond") or a section of the worker's request (its slug, "repeat"). It is
written as they type (and when the session is about to end), put back when they open the page again, and
deleted once the form it belongs to is saved. It is never a record: nobody else sees it, nothing decides
on it, and it does not change the request's version.

A draft still on its way when the person saves cannot come back as a stale draft: see `keep`.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from conferences.models import ConferenceRequest, Draft, SavedForm


@dataclass(frozen=True)
class Kept:
    """A draft as the page shows it: the text, the version of the request it was typed on, and when."""

    text: str
    version: int
    saved_at: datetime


def form_of(field: str) -> str:
    """The form a draft's field belongs to: `<form>-<name>`."""
    return field.split("-", 1)[0]


def _locked_version(request_id) -> int:
    """The request's version, its row locked against other drafts and saves until this transaction ends, so
    a draft and the save of its form are kept or discarded one after the other, never interleaved."""
    return ConferenceRequest.objects.select_for_update(no_key=True).values_list("version", flat=True).get(pk=request_id)


def keep(user, request_id, field: str, text: str, version: int) -> None:
    """Keep what the person has typed in one field, typed on `version` of the request; an emptied field leaves
    no draft.

    A draft typed on a version older than the one this person's last save of the form made is not kept: it
    was typed on the page they saved (sent a moment before the button and arriving after it), and what they
    saved is newer. Every page opened after that save carries that version or a later one, so anything
    typed since is kept; and a draft typed while someone else changed the request is kept too, since only
    this person's own save of this form stops it. A save that changed nothing made no new version: then a
    late draft can differ from what was saved only by what was typed and taken back in the moment before
    the button, and it comes back as a draft, under the notice, never as a record.
    """
    with transaction.atomic(durable=True):
        _locked_version(request_id)
        saved = SavedForm.objects.filter(user=user, request_id=request_id, form=form_of(field)).first()
        if saved is not None and version < saved.version:
            return
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
    return {form_of(field) for field in fields}


def discard(user, request_id, prefix: str) -> None:
    """The form was saved: its drafts are done with, and so is any still on its way from the page (`keep`)."""
    with transaction.atomic(durable=True):
        version = _locked_version(request_id)
        Draft.objects.filter(user=user, request_id=request_id, field__startswith=f"{prefix}-").delete()
        SavedForm.objects.update_or_create(user=user, request_id=request_id, form=prefix, defaults={"version": version})
