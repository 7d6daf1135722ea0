"""Every page, list and export that shows a child records the look in the same request, in one
record naming the children shown (audit.RecordAccess.children): lists, queues, dashboards,
drill-downs, deep dives, Annex A, the census rejections, the admin and the API."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import RecordAccess
from cases.models import ImportRun
from conferences import records
from quality import deep_dive
from tests.api.conftest import client_for
from tests.conferences import journeys
from tests.factories import ChildFactory, CPPlanFactory, UserFactory
from tests.reviews.test_views import awaiting


@pytest.fixture
def shown(council):
    """A north-team child with an earlier plan and a request at the manager discussion, a deep dive of
    it, and a census import that rejected the child's new record."""
    child = journeys.child_with_plans(council, 1)
    request = journeys.checked(council, child)
    today = timezone.localdate()
    audit = deep_dive.start_audit(
        council.auditor, title="Today", period_from=today - dt.timedelta(days=1), period_to=today
    )
    run = ImportRun.objects.create(
        file="history_imports/x.xml",
        original_name="return.xml",
        uploaded_by=council.data_manager,
        status=ImportRun.Status.DONE,
        report=[{"child_id": child.local_child_id, "problems": [{"rule": "8925", "message": "Ends before it starts"}]}],
    )
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    return SimpleNamespace(child=child, request=request, audit=audit, run=run, root=root)


PERIOD = {"date_from": "2022-01-01", "date_to": "2025-12-31"}

# (what, who looks, the address) for every list or export that shows children.
LOOKS = [
    ("child search", "social_worker", lambda s: (reverse("cases:child_search"), {"q": s.child.last_name})),
    ("team home", "social_worker", lambda s: ("/", {})),
    ("own requests", "social_worker", lambda s: ("/", {"list": "mine"})),
    ("decisions dashboard", "area_manager", lambda s: (reverse("decisions:dashboard"), {})),
    ("indicator drill-down", "auditor", lambda s: (reverse("quality:indicator_cases", args=["plans_ended"]), PERIOD)),
    ("deep-dive cases", "auditor", lambda s: (reverse("quality:deep_dive", args=[s.audit.pk]), {})),
    ("deep-dive report", "auditor", lambda s: (reverse("quality:deep_dive_report", args=[s.audit.pk]), {})),
    ("deep-dive workbook", "auditor", lambda s: (reverse("quality:deep_dive_report_xlsx", args=[s.audit.pk]), {})),
    (
        "Annex A",
        "auditor",
        lambda s: (reverse("annex_a:export"), {"day": "1", "month": "6", "year": "2025", "format": "csv"}),
    ),
    ("census rejections", "data_manager", lambda s: (reverse("history_import:run", args=[s.run.pk]), {})),
    ("rejections CSV", "data_manager", lambda s: (reverse("history_import:run_report", args=[s.run.pk]), {})),
    ("admin children", "root", lambda s: (reverse("admin:cases_child_changelist"), {})),
    ("admin plans", "root", lambda s: (reverse("admin:cases_cpplan_changelist"), {})),
]


@pytest.mark.parametrize(("what", "who", "address"), LOOKS, ids=[look[0] for look in LOOKS])
def test_the_look_names_the_children_shown(client, council, shown, what, who, address):
    user = shown.root if who == "root" else getattr(council, who)
    client.force_login(user)
    path, params = address(shown)
    last = RecordAccess.objects.order_by("pk").values_list("pk", flat=True).last() or 0

    response = client.get(path, params)

    assert response.status_code == 200, what
    lists = list(RecordAccess.objects.filter(user=user, pk__gt=last, child__isnull=True))
    assert len(lists) == 1, f"{what}: one record for the list"
    assert shown.child.pk in lists[0].children
    assert lists[0].path.startswith(path)


@pytest.mark.parametrize("endpoint", ["api:children", "api:requests"])
def test_the_api_lists_name_the_children_they_return(council, shown, endpoint):
    response = client_for(council.social_worker).get(reverse(endpoint))
    assert response.status_code == 200
    look = RecordAccess.objects.get(user=council.social_worker, child__isnull=True)
    assert look.children == [shown.child.pk]


def test_a_list_that_shows_no_child_records_nothing(client, council, shown):
    client.force_login(council.other_social_worker)
    assert client.get(reverse("cases:child_search"), {"q": shown.child.last_name}).status_code == 200
    assert not RecordAccess.objects.filter(user=council.other_social_worker).exists()


def test_opening_one_record_names_that_child(client, council, shown):
    client.force_login(council.social_worker)
    client.get(reverse("cases:child_detail", args=[shown.child.pk]))
    look = RecordAccess.objects.get(user=council.social_worker, child=shown.child)
    assert look.children == [shown.child.pk]


def test_the_open_challenges_list_names_the_children(client, council):
    request = journeys.proceeded(council, journeys.child_with_plans(council, 1))
    records.issue_challenge(
        request.pk,
        council.cp_chair,
        triggers=["stepped_down_early"],
        challenge="Why was it stepped down?",
        response_due=timezone.localdate() + dt.timedelta(days=5),
    )
    client.force_login(council.cp_chair)
    assert client.get(reverse("decisions:challenges")).status_code == 200
    look = RecordAccess.objects.get(user=council.cp_chair, path=reverse("decisions:challenges"))
    assert look.children == [request.child_id]


def test_the_plan_endings_list_names_the_children(client, council):
    plan = CPPlanFactory(
        child=ChildFactory(team=council.north_team),
        start_date=timezone.localdate() - dt.timedelta(days=90),
        end_date=None,
    )
    awaiting(council, plan)
    client.force_login(council.cp_manager)
    assert client.get(reverse("reviews:endings")).status_code == 200
    look = RecordAccess.objects.get(user=council.cp_manager, path=reverse("reviews:endings"))
    assert look.children == [plan.child_id]
