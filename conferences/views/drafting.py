"""Drafts on the pages that keep them, the decision pages and the sections of the worker's request: each
long answer is kept as the person types it (frontend/app.js posts it here) and put back when they open the
page again. What a draft is, and when one is stale, is conferences/drafts.py's; who may keep one on which
form is asked by the page's own view before it comes here.
"""

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpResponse, HttpResponseBadRequest

from conferences import drafts
from conferences.selectors import changes_since


@dataclass(frozen=True)
class Restored:
    """Drafts put back into a form: when the latest was typed, and what changed on the request since the
    oldest was, to read beside them."""

    at: datetime
    changes: list


def put_back(user, request_obj, prefix: str, form) -> Restored | None:
    """Lay this person's drafts of one form over what is recorded, as the form is opened."""
    long_answers = set(form.draftable()) & set(form.fields)
    kept = {name: draft for name, draft in drafts.kept(user, request_obj.pk, prefix).items() if name in long_answers}
    if not kept:
        return None
    for name, draft in kept.items():
        form.initial[name] = draft.text
    oldest = min(draft.version for draft in kept.values())
    changes = changes_since(request_obj, oldest) if oldest != request_obj.version else []
    return Restored(max(draft.saved_at for draft in kept.values()), changes)


def keep_typed(http_request, request_obj, prefix: str, name: str, long_answers: dict) -> HttpResponse:
    """Keep the text posted for one long answer (`long_answers`: the form's, by field name): 204, or 400 when
    it is not one of them or is longer than the answer may be."""
    field = long_answers.get(name)
    if field is None:
        return HttpResponseBadRequest("That is not a long answer of this page.")
    text = http_request.POST.get("text", "")
    if len(text) > field.max_length:
        return HttpResponseBadRequest("The answer is too long to keep.")
    version = http_request.POST.get("version", "")
    drafts.keep(
        http_request.user,
        request_obj.pk,
        f"{prefix}-{name}",
        text,
        int(version) if version.isdigit() else request_obj.version,
    )
    return HttpResponse(status=204)
