"""Pages for loading CP plan history from a census return: upload, progress, rejection report.

Only the data manager (and administrators) load returns. The import itself runs as a Celery task
(cases/tasks.py); these views queue it, show the run as it goes and hand over the report.
"""

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import record_list_access
from cases import import_runs
from cases.history_import import REPORT_HEADER, may_import_history, report_rows
from cases.models import Child, ImportRun
from limits.spreadsheets import csv_writer
from limits.uploads import upload_refused, upload_too_large_message

RECENT_RUNS = 20
REJECTIONS_SHOWN = 100


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Census return",
        help_text="The Children in Need census return as an XML file (.xml).",
        error_messages={"required": "Select the census return (an XML file)"},
    )

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        if too_large:
            # The file was refused as it arrived, so the form sees none: say why.
            self.fields["file"].error_messages["required"] = upload_too_large_message()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xml"):
            raise forms.ValidationError("The selected file must be an XML file (.xml)")
        if upload.size == 0:
            raise forms.ValidationError("The selected file is empty")
        head = upload.read(256).lstrip(b"\xef\xbb\xbf \t\r\n")
        upload.seek(0)
        if not head.startswith(b"<"):
            raise forms.ValidationError("The selected file is not XML: a census return starts with <?xml or <Message>")
        return upload


def _import_user(request):
    if not may_import_history(request.user):
        raise PermissionDenied("Only the data manager and administrators load census returns.")


def _run_for(request, pk) -> ImportRun:
    _import_user(request)
    return get_object_or_404(ImportRun.objects.select_related("uploaded_by"), pk=pk)


def _record_rejected_children(request, rejections) -> None:
    """The rejected children on record here (by their local ID) are named in one access record."""
    local_ids = {rejection["child_id"] for rejection in rejections if rejection.get("child_id")}
    known = Child.objects.filter(local_child_id__in=local_ids).values_list("pk", flat=True)
    record_list_access(request.user, known, request.get_full_path())


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    _import_user(request)
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        too_large=posted and upload_refused(request, "file"),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            run = import_runs.start_import(request.user, form.cleaned_data["file"])
            return redirect("history_import:run", pk=run.pk)
        status = 400
    runs = ImportRun.objects.select_related("uploaded_by")[:RECENT_RUNS]
    return render(request, "cases/import/upload.html", {"form": form, "runs": runs}, status=status)


@login_required
@require_GET
def run_detail(request, pk):
    run = _run_for(request, pk)
    _record_rejected_children(request, run.report[:REJECTIONS_SHOWN])
    rejections = list(report_rows(run.report[:REJECTIONS_SHOWN]))
    return render(
        request,
        "cases/import/run.html",
        {"run": run, "rejections": rejections, "more_rejections": len(run.report) > REJECTIONS_SHOWN},
    )


@login_required
@require_POST
def run_retry(request, pk):
    """Queue a stopped run again (its worker stopped, or it could not be queued)."""
    run = _run_for(request, pk)
    try:
        import_runs.retry_import(run.pk, request.user)
    except import_runs.RunNotStopped:
        pass  # already going again or ended (another tab, another person): the page shows which
    return redirect("history_import:run", pk=run.pk)


@login_required
@require_GET
def run_status(request, pk):
    """The run's progress as JSON, for the page's script to show without a reload."""
    run = _run_for(request, pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_display": run.status_shown,
            "progress": run.progress,
            "children_read": run.children_read,
            "children_rejected": run.children_rejected,
            "active": run.is_active,
            "url": reverse("history_import:run", kwargs={"pk": run.pk}),
        }
    )


@login_required
@require_GET
def run_report(request, pk):
    """The rejected children, one row per rule broken, as CSV."""
    run = _run_for(request, pk)
    _record_rejected_children(request, run.report)
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(REPORT_HEADER)
    writer.writerows(report_rows(run.report))
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="census-import-{run.pk}-rejections.csv"'
    return response
