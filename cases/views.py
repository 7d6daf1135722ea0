"""Finding a child and reading their record: always within what the person may see, and every opening logged.

A child the person may not see answers 404, exactly like one that does not exist, so the page never
reveals whether a record exists.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from audit.services import record_access, record_list_access
from cases.corrections import plan_corrections
from cases.forms import ChildSearchForm
from cases.models import Child, CPPlan
from cases.permissions import children_visible_to, may_keep_plan_history
from cases.plan_history import TIMELINE_WIDTH, plan_history

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

    # Whether the person may open each sibling's record, read with the siblings themselves.
    may_open = Exists(children_visible_to(request.user).filter(pk=OuterRef("pk")))
    siblings = list(
        child.siblings().select_related("team").annotate(may_open=may_open).order_by("date_of_birth", "first_name")
    )
    today = timezone.localdate()
    plans = list(child.plans.all())
    corrections = plan_corrections(plans)
    for plan in plans:
        plan.corrections = corrections.get(plan.pk, [])
    context = {
        "child": child,
        "may_keep_plan_history": may_keep_plan_history(request.user),
        "siblings": siblings,
        "history": plan_history(plans, today),
        "today": today,
        "timeline_width": str(TIMELINE_WIDTH),
    }
    return render(request, "cases/child_detail.html", context)
