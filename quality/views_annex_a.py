"""The Annex A list 7 page: pick the list's date, download it as CSV or XLSX.

For auditors and the council-wide CP roles (quality.annex_a.may_export). The list is built from the
children the person may see (cases.permissions), and each download is written to the audit trail
because it carries every listed child's details out of the app.
"""

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.services import record_event, record_list_access
from cases.permissions import children_visible_to
from limits.dates import check_date_bounds
from quality import annex_a
from quality.replica import reads_reports

PARTS = ("day", "month", "year")
LABEL = "Date of the list"


class ListDateForm(forms.Form):
    """A GOV.UK date input: three boxes, one message for the date as a whole."""

    day = forms.CharField(required=False, max_length=2)
    month = forms.CharField(required=False, max_length=2)
    year = forms.CharField(required=False, max_length=4)
    format = forms.ChoiceField(
        choices=[("csv", "CSV"), ("xlsx", "XLSX")],
        error_messages={"required": "Choose CSV or XLSX", "invalid_choice": "Choose CSV or XLSX"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_parts: set[str] = set()

    def _fail(self, message: str, parts) -> None:
        self.error_parts.update(parts)
        raise forms.ValidationError(message)

    def clean(self):
        data = super().clean()
        values = {part: (self.data.get(part) or "").strip() for part in PARTS}
        missing = [part for part in PARTS if not values[part]]
        if len(missing) == len(PARTS):
            self._fail(f"Enter the {LABEL.lower()}", PARTS)
        if missing:
            self._fail(f"{LABEL} must include a {' and a '.join(missing)}", missing)
        if not all(values[part].isdigit() for part in PARTS):
            self._fail(f"{LABEL} must be a real date", [part for part in PARTS if not values[part].isdigit()])
        if len(values["year"]) != 4:
            self._fail("Year must include 4 numbers", ["year"])
        try:
            on_date = date(int(values["year"]), int(values["month"]), int(values["day"]))
        except ValueError:
            self._fail(f"{LABEL} must be a real date", PARTS)
        if on_date > timezone.localdate():
            self._fail(f"{LABEL} must be today or in the past", PARTS)
        try:
            data["on_date"] = check_date_bounds(on_date, LABEL)
        except forms.ValidationError as error:
            self._fail(error.messages[0], PARTS)
        return data


def _page(request, form, status=200):
    error_target = next((f"id_{part}" for part in PARTS if part in form.error_parts), "id_day")
    context = {"form": form, "parts": PARTS, "not_held": annex_a.NOT_HELD, "error_target": error_target}
    return render(request, "quality/annex_a/export.html", context, status=status)


@login_required
@require_GET
@reads_reports
def export(request):
    if not annex_a.may_export(request.user):
        raise PermissionDenied("Annex A lists are for auditors, CP chairs, CP Managers and the Head of Service.")
    if not request.GET:
        today = timezone.localdate()
        form = ListDateForm(initial={"day": today.day, "month": today.month, "year": today.year})
        return _page(request, form)
    form = ListDateForm(request.GET)
    if not form.is_valid():
        return _page(request, form, status=400)
    on_date, fmt = form.cleaned_data["on_date"], form.cleaned_data["format"]
    write, content_type = annex_a.FORMATS[fmt]
    visible = children_visible_to(request.user)
    content = write(on_date, visible)
    listed = annex_a.plans_in_window(on_date, visible).values_list("child_id", flat=True)
    record_list_access(request.user, listed, request.get_full_path())
    record_event(
        request.user,
        "annex_a_export",
        description=f"Downloaded Ofsted Annex A list 7 at {on_date:%d/%m/%Y} as {fmt.upper()}.",
        after={"date": on_date.isoformat(), "format": fmt},
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{annex_a.file_name(on_date, fmt)}"'
    return response
