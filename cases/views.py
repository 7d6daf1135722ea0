"""Finding a child and reading their record: always within what the person may see, and every opening logged.

A child the person may not see answers 404, exactly like one that does not exist, so the page never
reveals whether a record exists.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from audit.services import record_access, record_list_access
from cases.corrections import plan_corrections
from cases.durations import duration_words, is_long, is_short, within_months
from cases.forms import ChildSearchForm
from cases.models import Child, CPPlan
from cases.permissions import children_visible_to, may_keep_plan_history
from cases.selectors import PreviousPlans, previous_plans

PAGE_SIZE = 25


# Browsing walks the name index (cases/migrations): a page at any depth is read from the index alone.
BROWSE_ORDER = ("last_name", "first_name", "local_child_id")
# A search's matches come from the trigram indexes and are few, so they are sorted as found. Ordered by
# the bare columns instead, the planner walks the whole name index filtering as it goes, which is slow
# when the matches cluster late in the alphabet (every Smith).
SEARCH_ORDER = (Lower("last_name"), Lower("first_name"), "local_child_id")


@login_required
def child_search(request):
    """Children matching the search, a page at a time: the page's children are read, and their plans
    counted, only for the page shown."""
    form = ChildSearchForm(request.GET)
    matching = form.filter(children_visible_to(request.user, Child.objects.all()))
    ordered = matching.order_by(*(SEARCH_ORDER if form.terms() else BROWSE_ORDER)).values_list("pk", flat=True)
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    children = Child.objects.select_related("team").in_bulk(ids)
    plan_counts = dict(
        CPPlan.objects.filter(child_id__in=ids)
        .order_by()
        .values("child_id")
        .annotate(count=Count("pk"))
        .values_list("child_id", "count")
    )
    page.object_list = [children[pk] for pk in ids]
    for child in page.object_list:
        child.plan_count = plan_counts.get(child.pk, 0)
    record_list_access(request.user, ids, request.get_full_path())
    return render(request, "cases/child_search.html", {"form": form, "page_obj": page, "query": form.terms()})


@dataclass(frozen=True)
class PlanRow:
    """One CP plan as the record shows it; the short/long tests are the assessment's own helpers."""

    number: int
    plan: CPPlan
    length: str
    length_days: int | None
    short: bool
    long: bool
    gap_before: str  # time between the previous plan's end and this one's start
    bar_x: float
    bar_width: float
    bar_y: int
    label_x: float
    label_anchor: str


@dataclass(frozen=True)
class History:
    rows: list[PlanRow]
    previous: PreviousPlans
    open_plan: CPPlan | None
    last_end: date | None
    since_last_end: str
    within_12_months: bool
    axis_start: date
    axis_years: list[tuple[int, float]]
    chart_height: int


TIMELINE_WIDTH = 1000.0
AXIS_HEIGHT, ROW_HEIGHT = 30, 40
MOST_YEAR_LABELS = 12


def plan_history(plans: list[CPPlan], today: date) -> History:
    """The child's plans in order, with lengths and the gaps between them, placed on a timeline up to today."""
    plans = sorted(plans, key=lambda plan: plan.start_date)
    axis_start = date(plans[0].start_date.year, 1, 1) if plans else date(today.year, 1, 1)
    span = max((today - axis_start).days, 1)

    def x(day: date) -> float:
        return round(TIMELINE_WIDTH * (day - axis_start).days / span, 1)

    rows, previous_end = [], None
    for number, plan in enumerate(plans, start=1):
        end = plan.end_date or today
        rows.append(
            PlanRow(
                number=number,
                plan=plan,
                length=duration_words(plan.start_date, end),
                length_days=(end - plan.start_date).days,
                short=bool(plan.end_date) and is_short(plan.start_date, plan.end_date),
                long=bool(plan.end_date) and is_long(plan.start_date, plan.end_date),
                gap_before=duration_words(previous_end, plan.start_date) if previous_end else "",
                bar_x=x(plan.start_date),
                bar_width=max(x(end) - x(plan.start_date), 3.0),
                bar_y=AXIS_HEIGHT + (number - 1) * ROW_HEIGHT + 16,
                label_x=x(plan.start_date) if x(plan.start_date) < TIMELINE_WIDTH * 0.7 else x(end),
                label_anchor="start" if x(plan.start_date) < TIMELINE_WIDTH * 0.7 else "end",
            )
        )
        previous_end = plan.end_date
    ended = [plan for plan in plans if plan.end_date and plan.end_date <= today]
    last_end = max((plan.end_date for plan in ended), default=None)
    step = -(-(today.year + 1 - axis_start.year) // MOST_YEAR_LABELS)
    years = [(year, x(date(year, 1, 1))) for year in range(axis_start.year, today.year + 1, step)]
    return History(
        rows=rows,
        previous=previous_plans(plans, today),
        open_plan=next((plan for plan in plans if plan.end_date is None), None),
        last_end=last_end,
        since_last_end=duration_words(last_end, today) if last_end else "",
        within_12_months=bool(last_end) and within_months(today, last_end, 12),
        axis_start=axis_start,
        axis_years=years,
        chart_height=AXIS_HEIGHT + len(rows) * ROW_HEIGHT + 10,
    )


@login_required
def child_detail(request, pk):
    """The child's record: identity, family, allocation and the whole CP plan history.

    The apps above cases add their parts from the template: the conference requests and the family's
    history (conferences/templatetags), the review conferences (reviews/templatetags).
    """
    queryset = Child.objects.select_related("team__service_area", "family", "allocated_worker").prefetch_related(
        Prefetch("plans", queryset=CPPlan.objects.prefetch_related("services"))
    )
    child = children_visible_to(request.user, queryset).filter(pk=pk).first()
    if child is None:
        raise Http404
    record_access(request.user, child, request.path)

    siblings = list(child.siblings().select_related("team").order_by("date_of_birth", "first_name"))
    visible_siblings = (
        set(
            children_visible_to(request.user, Child.objects.filter(pk__in=[s.pk for s in siblings])).values_list(
                "pk", flat=True
            )
        )
        if siblings
        else set()
    )
    today = timezone.localdate()
    plans = list(child.plans.all())
    corrections = plan_corrections(plans)
    for plan in plans:
        plan.corrections = corrections.get(plan.pk, [])
    context = {
        "child": child,
        "may_keep_plan_history": may_keep_plan_history(request.user),
        "siblings": [(sibling, sibling.pk in visible_siblings) for sibling in siblings],
        "history": plan_history(plans, today),
        "today": today,
        "timeline_width": TIMELINE_WIDTH,
    }
    return render(request, "cases/child_detail.html", context)
