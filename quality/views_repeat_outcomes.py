"""What follows each ending (audit/repeat_outcomes.py): the page, the children behind a figure, the files.

For the roles that see the indicators (audit/quality_access.py); an Area or Service Manager sees their
own service area only. The children behind a figure are listed within the viewer's own access to
children, and the children listed are written to audit.RecordAccess, in one row.

The page, its lists and its files work out at most MAX_YEARS while the person waits, as the
indicators page does; a longer period is offered as a report prepared in the background (ReportRun).
"""

from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.services import record_list_access
from cases.models import Child, CPPlan
from cases.permissions import children_visible_to
from quality import repeat_outcomes
from quality.access import may_see_indicators
from quality.charts import bar_chart
from quality.forms import IndicatorPageForm, PeriodForm, ReportForm
from quality.replica import reads_reports
from quality.tasks import request_repeat_outcomes_report
from quality.views import PAGE_SIZE, _area_limit, _require

MAX_YEARS = IndicatorPageForm.max_years


def _form(request, form_class=PeriodForm):
    form = form_class(request.POST if request.method == "POST" else request.GET)
    del form.fields["team"]  # teams are a breakdown of this report, not its scope
    return form


def _too_long(scope) -> bool:
    return scope["date_to"] > scope["date_from"] + relativedelta(years=MAX_YEARS)


def _to_page(scope):
    """A list or file over too long a period: the page, which offers the report in the background."""
    return redirect(f"{reverse('quality:repeat_outcomes')}?{_query(scope)}")


def _scope(request, form) -> dict:
    data = form.cleaned_data
    return {
        "date_from": data["date_from"],
        "date_to": data["date_to"],
        "service_area": data["service_area"].name if data["service_area"] else None,
        "area_id": _area_limit(request.user),
    }


def _query(scope, **extra) -> str:
    values = {"date_from": scope["date_from"].isoformat(), "date_to": scope["date_to"].isoformat()}
    if scope["service_area"]:
        values["service_area"] = scope["service_area"]
    return urlencode({**values, **extra})


def _tables(report, scope):
    """Each breakdown as rows of (label, counts, drill-down queries), and a chart of the 12-month repeats."""
    tables = []
    for breakdown, title in repeat_outcomes.BREAKDOWNS.items():
        rows = [
            {
                "label": repeat_outcomes.row_label(breakdown, key),
                **counts,
                "links": {
                    measure: _query(scope, breakdown=breakdown, group=key, measure=measure)
                    for measure in repeat_outcomes.MEASURES
                },
            }
            for key, counts in report[breakdown].items()
        ]
        chart = bar_chart(
            f"{title}: plans followed by another within 12 months",
            [(row["label"], row["repeat_within_12_months"]) for row in rows],
        )
        tables.append({"key": breakdown, "title": title, "rows": rows, "chart": chart})
    return tables


@login_required
@reads_reports
def outcomes_page(request):
    _require(may_see_indicators(request.user))
    form = _form(request)
    if not form.is_valid():
        return render(request, "quality/repeat_outcomes.html", {"form": form}, status=400)
    scope = _scope(request, form)
    if _too_long(scope):
        return render(
            request,
            "quality/repeat_outcomes.html",
            {"form": form, "background": True, "max_years": MAX_YEARS, "scope": scope},
        )
    report = repeat_outcomes.outcomes(**scope)
    context = {
        "form": form,
        "report": report,
        "tables": _tables(report, scope),
        "headline_links": {measure: _query(scope, measure=measure) for measure in repeat_outcomes.MEASURES},
        "query": _query(scope),
        "limited": scope["area_id"] is not None,
    }
    return render(request, "quality/repeat_outcomes.html", context)


@login_required
@reads_reports
def outcome_children(request):
    """The children behind one figure; each child shown is logged as a look at their record."""
    _require(may_see_indicators(request.user))
    form = _form(request)
    if not form.is_valid():
        return render(request, "quality/repeat_outcomes.html", {"form": form}, status=400)
    scope = _scope(request, form)
    if _too_long(scope):
        return _to_page(scope)
    breakdown, group = request.GET.get("breakdown") or None, request.GET.get("group")
    measure = request.GET.get("measure", "plans_ended")
    try:
        behind = repeat_outcomes.plans_behind(repeat_outcomes.ended_plans(**scope), breakdown, group, measure)
    except ValueError:
        raise Http404("No such figure.") from None
    visible = set(
        children_visible_to(request.user, Child.objects.filter(pk__in={p.child_id for p in behind})).values_list(
            "pk", flat=True
        )
    )
    shown = [plan for plan in behind if plan.child_id in visible]
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    plans = CPPlan.objects.select_related("child__team").in_bulk([plan.plan_id for plan in page.object_list])
    rows = [(ended, plans[ended.plan_id]) for ended in page.object_list]
    record_list_access(request.user, [plan.child_id for _, plan in rows], request.get_full_path())
    label = repeat_outcomes.MEASURE_LABELS[measure]
    if breakdown:
        label += f": {repeat_outcomes.BREAKDOWNS[breakdown].lower()}, {repeat_outcomes.row_label(breakdown, group)}"
    context = {
        "form": form,
        "label": label,
        "rows": rows,
        "page_obj": page,
        "total": len(behind),
        "hidden": len(behind) - len(shown),
        "query": _query(scope),
        "page_query": _query(
            scope, **{k: v for k, v in (("breakdown", breakdown), ("group", group)) if v}, measure=measure
        ),
    }
    return render(request, "quality/repeat_outcome_children.html", context)


@login_required
@reads_reports
def outcomes_download(request, file_format):
    _require(may_see_indicators(request.user))
    if file_format not in repeat_outcomes.RENDERERS:
        raise Http404("No such format.")
    form = _form(request)
    if not form.is_valid():
        return render(request, "quality/repeat_outcomes.html", {"form": form}, status=400)
    scope = _scope(request, form)
    if _too_long(scope):
        return _to_page(scope)
    report = repeat_outcomes.outcomes(**scope)
    response = HttpResponse(
        repeat_outcomes.RENDERERS[file_format](report), content_type=repeat_outcomes.CONTENT_TYPES[file_format]
    )
    name = repeat_outcomes.file_name(scope["date_from"], scope["date_to"], file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def outcomes_report_start(request):
    """Prepare the report in the background, for a period of any length."""
    _require(may_see_indicators(request.user))
    form = _form(request, ReportForm)
    if not form.is_valid():
        return render(request, "quality/repeat_outcomes.html", {"form": form}, status=400)
    scope = _scope(request, form)
    run = request_repeat_outcomes_report(request.user, **scope, file_format=form.cleaned_data["file_format"])
    return redirect("quality:report_run", pk=run.pk)
