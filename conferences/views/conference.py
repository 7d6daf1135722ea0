"""The initial conference and its outcome: one page for the CP chair, one service (transitions.record_conference).

A plan made at the conference is written to the child's history by the service, so the page only parses what
was typed and shows the refusal, each problem on its field, with everything typed kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from conferences import transitions
from conferences.actions import RECORD_CONFERENCE
from conferences.forms import ConferenceOutcomeForm
from conferences.timescales import STATUTORY_CONFERENCE_WORKING_DAYS, conference_deadline, default_first_review
from conferences.views.requests import attempt, log_opening, refused, visible_request
from limits.dates import long_date


@login_required
def record_conference(http_request, pk):
    user = http_request.user
    request_obj = visible_request(user, pk)
    if not RECORD_CONFERENCE.available_for(user, request_obj):
        reason = RECORD_CONFERENCE.refusal(user, request_obj)
        return refused(
            http_request,
            request_obj,
            reason or f"The conference cannot be recorded while the request is at '{request_obj.get_state_display()}'.",
        )
    log_opening(http_request, request_obj)
    data = http_request.POST if http_request.method == "POST" else None
    form = ConferenceOutcomeForm(data, request_obj=request_obj, user=user)
    status = 200
    if http_request.method == "POST":
        if form.is_valid():
            seen, version = form.cleaned_data["expected_state"], form.cleaned_data["expected_version"]
            status = attempt(
                form,
                lambda: transitions.record_conference(
                    pk, user, expected_state=seen, expected_version=version, **form.service_kwargs()
                ),
            )
            if status is None:
                messages.success(http_request, RECORD_CONFERENCE.done)
                return redirect("conferences:request_detail", pk)
        else:
            status = 400
    today = timezone.localdate()
    deadline = conference_deadline(request_obj, today)
    late = f"after {long_date(deadline.due)}" if deadline else "outside 15 working days of the strategy discussion"
    context = {
        "request_obj": request_obj,
        "child": request_obj.child,
        "form": form,
        "deadline": deadline,
        "statutory_days": STATUTORY_CONFERENCE_WORKING_DAYS,
        "late_hint": f"Only when the conference was held {late}.",
        "review_hint": (
            "Within 3 months of the conference. Leave it blank for the last working day within the 3 months: "
            f"for a conference held today, {long_date(default_first_review(today))}."
        ),
    }
    return render(http_request, "conferences/outcome/record_conference.html", context, status=status)
