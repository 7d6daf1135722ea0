"""Quality-assurance pages: performance indicators, the cases behind them, reports, deep-dive audits.

Views stay thin: the figures come from quality.indicators, the audits from quality.deep_dive, and who
may see what from quality.access and the cases' and requests' own permissions.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import record_access, record_list_access
from cases.models import CPPlan
from cases.permissions import children_visible_to
from conferences.models import AlternativeRoute, ConferenceRequest, State
from conferences.permissions import requests_visible_to
from quality import charts, deep_dive, indicator_export, indicators
from quality.access import (
    limited_to_own_area,
    may_read_deep_dives,
    may_run_deep_dives,
    may_see_indicators,
    own_service_area,
)
from quality.forms import CaseForm, IndicatorPageForm, PeriodForm, ReportForm, StartAuditForm
from quality.models import DeepDiveAudit, DeepDiveCase, ReportRun
from quality.replica import reads_reports
from quality.tasks import INDICATORS, REPEAT_OUTCOMES, RunNotStopped, request_indicator_report, retry_report

PAGE_SIZE = 25
# A period longer than this is prepared in the background (ReportRun) rather than while the person waits.
INLINE_REPORT_DAYS = 366


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied("Your role does not give access to this page.")


def _area_limit(user) -> int | None:
    """The service area id an Area or Service Manager's breakdowns are limited to (0: none known, so nothing)."""
    if not limited_to_own_area(user):
        return None
    area = own_service_area(user)
    return area.pk if area else 0


def _scope(form) -> dict:
    data = form.cleaned_data
    return {
        "date_from": data["date_from"],
        "date_to": data["date_to"],
        "service_area": data["service_area"].name if data["service_area"] else None,
        "team": data["team"].pk if data["team"] else None,
    }


def _query(form, **override) -> str:
    """The page's filters as a query string, for links to the cases behind a number and to downloads."""
    scope = {**_scope(form), **override}
    values = {"date_from": scope["date_from"].isoformat(), "date_to": scope["date_to"].isoformat()}
    if scope["service_area"]:
        values["service_area"] = scope["service_area"]
    if scope["team"]:
        values["team"] = scope["team"]
    return urlencode(values)


def _with_queries(rows: list[dict], form, by: str, areas: list[dict]) -> list[dict]:
    """Each breakdown row with the query for its own cases (none for children with no team).

    A team's service area is named by the area rows (`areas`): an area with a team's figures has a row.
    """
    names = {area["id"]: area["name"] for area in areas}
    for row in rows:
        if row["id"] is None:
            row["query"] = ""
        elif by == "service_area":
            row["query"] = _query(form, service_area=row["name"], team=None)
        else:
            row["query"] = _query(form, service_area=names[row["service_area_id"]], team=row["id"])
    return rows


# --- Indicators ------------------------------------------------------------------------------------------------


def _trend_charts(months: list[dict]) -> list[dict]:
    labels = [row["month"].strftime("%b %Y") for row in months]

    def series(key):
        return [(label, row[key]) for label, row in zip(labels, months, strict=True)]

    return [
        {
            "chart": charts.bar_chart("CP plans started per month", series("plans_started")),
            "column": "Plans started",
            "id": "plans-started",
        },
        {
            "chart": charts.bar_chart("Repeat plans started per month", series("repeat_plans_started")),
            "column": "Repeat plans started",
            "id": "repeat-plans",
        },
        {
            "chart": charts.bar_chart("Repeat rate per month", series("repeat_rate"), unit="%"),
            "column": "Repeat rate (%)",
            "id": "repeat-rate",
        },
        {
            "chart": charts.bar_chart("Repeat requests decided per month", series("repeat_requests_decided")),
            "column": "Repeat requests decided",
            "id": "decided",
        },
    ]


@login_required
@reads_reports
def indicator_page(request):
    _require(may_see_indicators(request.user))
    form = IndicatorPageForm(request.GET)
    if not form.is_valid():
        return render(request, "quality/indicators.html", {"form": form}, status=400)
    scope = _scope(form)
    limit = _area_limit(request.user)
    figures = indicators.report(**scope)
    headline, months = figures["headline"], figures["monthly"]
    by_area, by_team = figures["by_service_area"], figures["by_team"]
    if limit is not None:
        by_area = indicator_export.only_area(by_area, limit)
        by_team = indicator_export.only_area(by_team, limit)
    outcomes = headline["outcomes"]
    period_days = (scope["date_to"] - scope["date_from"]).days + 1
    context = {
        "form": form,
        "report_form": ReportForm(initial={**form.cleaned_data}),
        "figures": headline,
        "compliance": [
            {
                "key": key,
                "label": measure.label,
                "applies_to": measure.applies_to,
                **headline["compliance"][key],
                "not_met": headline["compliance"][key]["of"] - headline["compliance"][key]["count"],
            }
            for key, measure in indicators.COMPLIANCE.items()
        ],
        "outcomes": [
            ("outcome_proceeded", "Proceeded to conference", outcomes["proceeded"]),
            *[
                (
                    f"outcome_alternative_route_{route}",
                    f"Alternative route: {label}",
                    outcomes["alternative_route"][route],
                )
                for route, label in AlternativeRoute.choices
            ],
            ("outcome_declined", "Declined", outcomes["declined"]),
            ("outcome_withdrawn", "Withdrawn", outcomes["withdrawn"]),
        ],
        "bands": [(band, band.replace("_", " "), count) for band, count in headline["plans_ended_by_length"].items()],
        "stages": [
            (stage, State(stage).label, values) for stage, values in headline["median_working_days_in_stage"].items()
        ],
        "months": months,
        "charts": _trend_charts(months),
        "by_area": _with_queries(by_area, form, "service_area", by_area),
        "by_team": _with_queries(by_team, form, "team", by_area),
        "query": _query(form),
        "inline_download": period_days <= INLINE_REPORT_DAYS,
        "limited_area": own_service_area(request.user) if limit is not None else None,
    }
    return render(request, "quality/indicators.html", context)


MEASURE_LABELS = {
    "plans_started": "CP plans started",
    "repeat_plans_started": "Repeat plans started",
    "repeat_within_12_months": "Repeat plans within 12 months of the previous plan",
    "repeat_within_2_years": "Repeat plans within 2 years of the previous plan",
    "third_or_later_plans_started": "Third or later plans started",
    "plans_ended": "CP plans ended",
    **{
        f"plans_ended_{band}": f"Plans ended, lasting {band.replace('_', ' ')}" for band in indicators.PLAN_LENGTH_BANDS
    },
    "repeat_requests_decided": "Repeat requests decided",
    "outcome_proceeded": "Requests that proceeded to conference",
    **{
        f"outcome_alternative_route_{value}": f"Closed by an alternative route: {label}"
        for value, label in AlternativeRoute.choices
    },
    "outcome_declined": "Requests declined",
    "outcome_withdrawn": "Requests withdrawn",
    **{key: f"{measure.label}: met" for key, measure in indicators.COMPLIANCE.items()},
    **{f"{key}_applies": f"{measure.label}: {measure.applies_to}" for key, measure in indicators.COMPLIANCE.items()},
    **{f"{key}_not_met": f"{measure.label}: not met" for key, measure in indicators.COMPLIANCE.items()},
}


@login_required
@reads_reports
def indicator_cases(request, key):
    """The cases behind one number, as far as the viewer may see them."""
    _require(may_see_indicators(request.user))
    if key not in indicators.MEASURE_KIND:
        raise Http404("No such indicator.")
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "quality/indicators.html", {"form": form}, status=400)
    ids = indicators.ids_behind(key, **_scope(form))
    kind = indicators.MEASURE_KIND[key]
    if kind == "plan":
        behind = CPPlan.objects.filter(pk__in=ids)
        rows = (
            behind.filter(child__in=children_visible_to(request.user))
            .select_related("child__team__service_area")
            .order_by("start_date", "pk")
        )
    else:
        behind = ConferenceRequest.objects.filter(pk__in=ids)
        rows = (
            requests_visible_to(request.user, behind)
            .select_related("child__team__service_area")
            .order_by("submitted_at", "pk")
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    record_list_access(request.user, [row.child_id for row in page.object_list], request.get_full_path())
    context = {
        "form": form,
        "key": key,
        "kind": kind,
        "label": MEASURE_LABELS[key],
        "page_obj": page,
        "total": behind.count(),
        "query": _query(form),
    }
    return render(request, "quality/indicator_cases.html", context)


@login_required
@reads_reports
def indicator_download(request, file_format):
    """The report file at once, for a period of up to a year; longer ones are prepared in the background."""
    _require(may_see_indicators(request.user))
    if file_format not in indicator_export.CONTENT_TYPES:
        raise Http404("No such format.")
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "quality/indicators.html", {"form": form}, status=400)
    scope = _scope(form)
    if (scope["date_to"] - scope["date_from"]).days + 1 > INLINE_REPORT_DAYS:
        messages.info(
            request, "Reports over more than a year are prepared in the background: use 'Prepare the report'."
        )
        return redirect(f"{reverse('quality:indicators')}?{_query(form)}")
    report = indicator_export.build(**scope, limit_to_area=_area_limit(request.user))
    response = HttpResponse(
        indicator_export.render(report, file_format), content_type=indicator_export.CONTENT_TYPES[file_format]
    )
    name = indicator_export.file_name(scope["date_from"], scope["date_to"], file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def report_start(request):
    _require(may_see_indicators(request.user))
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "quality/indicators.html", {"form": form}, status=400)
    run = request_indicator_report(
        request.user,
        **_scope(form),
        file_format=form.cleaned_data["file_format"],
        limit_to_area=_area_limit(request.user),
    )
    return redirect("quality:report_run", pk=run.pk)


def _own_run(request, pk) -> ReportRun:
    run = get_object_or_404(ReportRun.objects.defer("result"), pk=pk)
    if run.requested_by_id != request.user.pk:
        raise Http404("No such report.")
    return run


# Each kind of background report: its title, the page it comes from and the words of the link back.
REPORT_PAGES = {
    INDICATORS: ("Indicators report", "quality:indicators", "Back to the indicators"),
    REPEAT_OUTCOMES: ("Report: what follows each ending", "quality:repeat_outcomes", "Back to what follows"),
}


@login_required
def report_run(request, pk):
    run = _own_run(request, pk)
    title, page, back_text = REPORT_PAGES[run.kind]
    context = {"run": run, "title": title, "back_url": reverse(page), "back_text": back_text}
    return render(request, "quality/report_run.html", context)


@login_required
@require_POST
def report_retry(request, pk):
    """Queue the person's stopped report again (its worker stopped, or it could not be queued)."""
    run = _own_run(request, pk)
    try:
        retry_report(run.pk, request.user)
    except RunNotStopped:
        pass  # already going again or ended (another tab): the page shows which
    return redirect("quality:report_run", pk=run.pk)


@login_required
def report_download(request, pk):
    run = _own_run(request, pk)
    if run.status != ReportRun.Status.DONE:
        raise Http404("The report is not ready.")
    content = ReportRun.objects.values_list("result", flat=True).get(pk=run.pk)
    response = HttpResponse(bytes(content), content_type=run.content_type)
    response["Content-Disposition"] = f'attachment; filename="{run.file_name}"'
    return response


# --- Deep-dive audits ------------------------------------------------------------------------------------------


def _audit(request, pk) -> DeepDiveAudit:
    _require(may_read_deep_dives(request.user))
    return get_object_or_404(DeepDiveAudit.objects.select_related("service_area", "team", "created_by"), pk=pk)


def _record_audit_children(request, audit) -> None:
    """A deep dive's report names each sampled request's child: one access record naming them all."""
    children = audit.cases.values_list("request__child_id", flat=True)
    record_list_access(request.user, children, request.get_full_path())


@login_required
def deep_dive_list(request):
    _require(may_read_deep_dives(request.user))
    audits = (
        DeepDiveAudit.objects.select_related("service_area", "team", "created_by")
        .annotate(total=Count("cases"), done=Count("cases", filter=~Q(cases__grade="")))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(audits, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "quality/deep_dive_list.html", {"page_obj": page, "may_start": may_run_deep_dives(request.user)}
    )


@login_required
def deep_dive_start(request):
    _require(may_run_deep_dives(request.user))
    form = StartAuditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = deep_dive.start_audit(
                request.user,
                title=data["title"],
                period_from=data["period_from"],
                period_to=data["period_to"],
                service_area=data["service_area"],
                team=data["team"],
                sample_size=data["sample_size"],
                seed=data["seed"],
            )
        except deep_dive.DeepDiveError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Audit started with {audit.cases.count()} cases.")
            return redirect("quality:deep_dive", pk=audit.pk)
    status = 400 if form.errors else 200
    return render(request, "quality/deep_dive_start.html", {"form": form}, status=status)


@login_required
def deep_dive_detail(request, pk):
    audit = _audit(request, pk)
    cases = list(audit.cases.select_related("request__child", "audited_by"))
    record_list_access(request.user, [case.request.child_id for case in cases], request.get_full_path())
    return render(
        request,
        "quality/deep_dive_detail.html",
        {
            "audit": audit,
            "cases": cases,
            "progress": deep_dive.progress(audit),
            "may_answer": may_run_deep_dives(request.user),
        },
    )


@login_required
def deep_dive_case(request, pk, position):
    audit = _audit(request, pk)
    case = get_object_or_404(
        DeepDiveCase.objects.select_related(
            "request__child__team",
            "request__prior_plan_checked_by",
            "request__manager_decided_by",
            "request__screened_by",
            "request__head_of_service_decided_by",
            "request__cp_manager_consulted_by",
        ),
        audit=audit,
        position=position,
    )
    conference_request = case.request
    prefills = deep_dive.prefill(conference_request)
    may_answer = may_run_deep_dives(request.user)
    if request.method == "POST":
        _require(may_answer)
        part_way = "later" in request.POST and not case.grade
        form = CaseForm(request.POST, prefills=prefills, part_way=part_way)
        if form.is_valid() and part_way:
            deep_dive.save_case_part_way(
                case, request.user, answers=form.answers(), learning_points=form.cleaned_data["learning_points"]
            )
            messages.success(request, f"Case {case.position} saved part-way. Grade it to count it as audited.")
            return redirect("quality:deep_dive", pk=audit.pk)
        if form.is_valid():
            deep_dive.save_case(
                case,
                request.user,
                answers=form.answers(),
                grade=form.cleaned_data["grade"],
                learning_points=form.cleaned_data["learning_points"],
                record_showed={code: prefill.as_text() for code, prefill in prefills.items()},
            )
            messages.success(request, f"Case {case.position} saved.")
            following = (
                audit.cases.filter(grade="", position__gt=case.position).first() or audit.cases.filter(grade="").first()
            )
            if following:
                return redirect("quality:deep_dive_case", pk=audit.pk, position=following.position)
            return redirect("quality:deep_dive", pk=audit.pk)
    else:
        initial = {"grade": case.grade, "learning_points": case.learning_points}
        for answer in case.answers.all():
            initial[f"{answer.question}_judgement"] = answer.judgement
            initial[f"{answer.question}_comment"] = answer.comment
        form = CaseForm(initial=initial, prefills=prefills)
    record_access(request.user, conference_request.child, request.get_full_path())
    total = audit.cases.count()
    return render(
        request,
        "quality/deep_dive_case.html",
        {
            "audit": audit,
            "case": case,
            "conference_request": conference_request,
            "child": conference_request.child,
            "form": form,
            "may_answer": may_answer,
            "total": total,
            "previous_position": case.position - 1 if case.position > 1 else None,
            "next_position": case.position + 1 if case.position < total else None,
        },
        status=400 if form.errors else 200,
    )


@login_required
@reads_reports
def deep_dive_report(request, pk):
    audit = _audit(request, pk)
    _record_audit_children(request, audit)
    return render(
        request,
        "quality/deep_dive_report.html",
        {"audit": audit, "report": deep_dive.report(audit), "printed_at": timezone.now()},
    )


@login_required
@reads_reports
def deep_dive_report_xlsx(request, pk):
    audit = _audit(request, pk)
    _record_audit_children(request, audit)
    response = HttpResponse(deep_dive.report_xlsx(audit), content_type=indicator_export.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="deep-dive-{audit.pk}.xlsx"'
    return response
