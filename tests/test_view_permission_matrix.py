"""Every role against every page that shows or changes one object, including the wrong team and area.

The expectations are written out here from the design (DESIGN.md section 1, conferences/permissions.py's
documented rules), not read from the code, so the tables below read as the specification:

- A child, a request or a challenge of the north team answers 200 to the people who may see it and 404 to
  the other area's worker, team manager and manager: exactly like a record that does not exist.
- A page for acting (a section of the request, the prior-plan check, withdrawing, the decision page) answers
  403 with the reason to someone who may see the request but may not act on it now.
- Deep dives, census imports and reports are pages of a role, not of a team: the wrong role gets 403 before
  any object is looked up, so the answer says nothing about whether the object exists. A person's own
  report run and notification are 404 to everybody else.
- A refused POST changes nothing: not the request, its services and siblings, its challenges, the deep dive,
  the notification, nor the audit trail. Auditors read children and requests and change none of them.
- Opening a child's record, a request, its decision page, a challenge or a deep-dive case is written to
  audit.RecordAccess for whoever may see it; a refusal writes nothing.
- Anonymous people are sent to sign in by every page of the site.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from audit.models import AuditEvent, RecordAccess
from cases.models import ImportRun
from conferences import records, transitions
from conferences.models import Challenge, ChallengeTrigger, ConferenceRequest, ProposedService, SiblingDecision
from notifications.models import Kind, Notification
from quality import deep_dive
from quality.models import DeepDiveAnswer, DeepDiveCase, ReportRun
from tests.conferences.journeys import checked, child_with_plans, drafted, proceeded, screened, submitted
from tests.factories import ChildFactory, FamilyFactory

ROLES = [
    "social_worker",
    "practice_lead",
    "team_manager",
    "area_manager",
    "service_manager",
    "cp_chair",
    "cp_manager",
    "head_of_service",
    "auditor",
    "other_social_worker",
    "other_team_manager",
    "other_area_manager",
]
TEAM = frozenset({"social_worker", "practice_lead", "team_manager"})
AREA = frozenset({"area_manager", "service_manager"})
COUNCIL_WIDE = frozenset({"cp_chair", "cp_manager", "head_of_service", "auditor"})
SEES_NORTH = TEAM | AREA | COUNCIL_WIDE
WRONG_PLACE = frozenset({"other_social_worker", "other_team_manager", "other_area_manager"})
EVERYONE = frozenset(ROLES)
DEEP_DIVE_READERS = frozenset({"auditor", "cp_manager"})
assert SEES_NORTH | WRONG_PLACE == EVERYONE


def today():
    return timezone.localdate()


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


# --- The objects ------------------------------------------------------------------------------------------------


def north_case(council):
    """One north-team child with a sibling, and every object a page can show about them.

    The request asks for a second plan, repeats a service (so every worker section applies) and waits at
    CP chair screening with a challenge issued; a deep dive holds it; there is a census import, the CP
    Manager's own indicator report, and a notification for the social worker.
    """
    child = child_with_plans(council, 1)
    child.family = FamilyFactory()
    child.save()
    ChildFactory(team=council.north_team, family=child.family)
    request = proceeded(council, child, services=("Parenting programme", "Family support worker"))
    challenge = records.issue_challenge(
        request.pk,
        council.cp_chair,
        triggers=[ChallengeTrigger.CORE_GROUP],
        challenge="Why were the core group's actions not done?",
        response_due=today() + datetime.timedelta(days=14),
    )
    audit = deep_dive.start_audit(
        council.auditor, title="Repeat plans", period_from=today(), period_to=today(), team=council.north_team
    )
    return SimpleNamespace(
        child=child,
        request=request,
        challenge=challenge,
        audit=audit,
        import_run=ImportRun.objects.create(
            file="history_imports/return.xml", original_name="return.xml", uploaded_by=council.data_manager
        ),
        report_run=ReportRun.objects.create(
            kind="indicators",
            parameters={"date_from": "2025-04-01", "date_to": "2026-03-31", "service_area": None, "format": "csv"},
            requested_by=council.cp_manager,
            status=ReportRun.Status.DONE,
            file_name="indicators.csv",
            content_type="text/csv",
            result=b"measure,count\n",
        ),
    )


def at_stage(council, stage):
    """A fresh north-team object at the stage an action needs (built once per test)."""
    if stage == "deep_dive":
        submitted(council, child_with_plans(council, 1))
        audit = deep_dive.start_audit(council.auditor, title="Repeat plans", period_from=today(), period_to=today())
        return SimpleNamespace(audit=audit, case=audit.cases.get())
    if stage == "notification":
        notification = Notification.objects.create(
            recipient=council.social_worker,
            kind=Kind.ACTION_NEEDED,
            message="A request was returned to you.",
            url="/",
            dedupe_key="matrix",
        )
        return SimpleNamespace(notification=notification)

    child = child_with_plans(council, 2 if stage == "head_of_service_signoff" else 1)
    if stage == "no_request":
        return SimpleNamespace(child=child)
    builders = {"draft": drafted, "prior_plan_check": submitted, "manager_discussion": checked}
    if stage in builders:
        return SimpleNamespace(child=child, request=builders[stage](council, child))
    request = screened(council, proceeded(council, child))
    if stage.startswith("challenge_"):
        challenge = records.issue_challenge(
            request.pk,
            council.cp_chair,
            triggers=[ChallengeTrigger.CORE_GROUP],
            challenge="Why were the core group's actions not done?",
            response_due=today() + datetime.timedelta(days=14),
        )
        if stage == "challenge_responded":
            challenge = records.respond_to_challenge(challenge.pk, council.team_manager, response="They are now.")
        return SimpleNamespace(child=child, request=request, challenge=challenge)
    if stage in ("head_of_service_signoff", "ready_to_convene"):
        request = transitions.accept(request.pk, council.cp_chair)
    assert request.state == stage
    return SimpleNamespace(child=child, request=request)


def snapshot():
    """Everything a refused action could touch, as plain values."""
    return {
        "requests": list(ConferenceRequest.objects.order_by("pk").values()),
        "services": list(ProposedService.objects.order_by("pk").values()),
        "siblings": list(SiblingDecision.objects.order_by("pk").values()),
        "challenges": list(Challenge.objects.order_by("pk").values()),
        "deep_dive_cases": list(DeepDiveCase.objects.order_by("pk").values()),
        "deep_dive_answers": DeepDiveAnswer.objects.count(),
        "notifications": list(Notification.objects.order_by("pk").values()),
        "audit_events": AuditEvent.objects.count(),
    }


# --- Opening each object ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectView:
    """Who opens a page with 200 (`ok`), who is refused with 403 (`forbidden`); everyone else gets 404.

    `logged`: the people whose opening is written to RecordAccess; any other refused opening writes nothing.
    """

    name: str
    url: Callable[[SimpleNamespace], str]
    ok: frozenset
    forbidden: frozenset = frozenset()
    logged: frozenset = frozenset()

    def expected(self, role) -> int:
        return 200 if role in self.ok else 403 if role in self.forbidden else 404


def request_url(name, *extra):
    return lambda o: reverse(name, args=[o.request.pk, *extra])


def audit_url(name, *extra):
    return lambda o: reverse(name, args=[o.audit.pk, *extra])


def run_url(name, attribute):
    return lambda o: reverse(name, args=[getattr(o, attribute).pk])


OBJECT_VIEWS = [
    ObjectView(
        "child record",
        lambda o: reverse("cases:child_detail", args=[o.child.pk]),
        ok=SEES_NORTH,
        logged=SEES_NORTH,
    ),
    ObjectView("request page", request_url("conferences:request_detail"), ok=SEES_NORTH, logged=SEES_NORTH),
    ObjectView("check your answers", request_url("conferences:check_answers"), ok=SEES_NORTH),
    # The proposal is written only while drafting: at screening nobody may change it.
    ObjectView(
        "section: proposal", request_url("conferences:section", "proposal"), ok=frozenset(), forbidden=SEES_NORTH
    ),
    ObjectView("section: analysis", request_url("conferences:section", "repeat"), ok=TEAM, forbidden=SEES_NORTH - TEAM),
    ObjectView(
        "section: repeated services",
        request_url("conferences:section", "services"),
        ok=TEAM,
        forbidden=SEES_NORTH - TEAM,
    ),
    ObjectView(
        "section: siblings", request_url("conferences:section", "siblings"), ok=TEAM, forbidden=SEES_NORTH - TEAM
    ),
    ObjectView(
        "section: CP chair conversation",
        request_url("conferences:section", "chair"),
        ok=TEAM | {"cp_chair"},
        forbidden=SEES_NORTH - TEAM - {"cp_chair"},
    ),
    ObjectView("prior-plan check", request_url("conferences:prior_plan_check"), ok=frozenset(), forbidden=SEES_NORTH),
    ObjectView("withdraw", request_url("conferences:withdraw"), ok=TEAM | AREA, forbidden=COUNCIL_WIDE),
    # Only once the request is ready to convene, and then only for a CP chair.
    ObjectView(
        "record the conference", request_url("conferences:record_conference"), ok=frozenset(), forbidden=SEES_NORTH
    ),
    # At screening the CP chair screens and the CP Manager is consulted; the others may look but not decide.
    ObjectView(
        "decision page",
        request_url("decisions:decide"),
        ok=frozenset({"cp_chair", "cp_manager"}),
        forbidden=SEES_NORTH - {"cp_chair", "cp_manager"},
        logged=SEES_NORTH,
    ),
    ObjectView(
        "challenge",
        lambda o: reverse("decisions:challenge", args=[o.challenge.pk]),
        ok=SEES_NORTH,
        logged=SEES_NORTH,
    ),
    # An issued challenge: the child's team manager responds, a CP chair escalates; anyone else who sees it
    # is told why they cannot.
    ObjectView(
        "challenge step: respond",
        lambda o: reverse("decisions:challenge_step", args=[o.challenge.pk, "respond"]),
        ok=frozenset({"team_manager"}),
        forbidden=SEES_NORTH - {"team_manager"},
        logged=SEES_NORTH,
    ),
    ObjectView(
        "challenge step: escalate",
        lambda o: reverse("decisions:challenge_step", args=[o.challenge.pk, "escalate"]),
        ok=frozenset({"cp_chair"}),
        forbidden=SEES_NORTH - {"cp_chair"},
        logged=SEES_NORTH,
    ),
    ObjectView(
        "deep dive", audit_url("quality:deep_dive"), ok=DEEP_DIVE_READERS, forbidden=EVERYONE - DEEP_DIVE_READERS
    ),
    ObjectView(
        "deep-dive case",
        audit_url("quality:deep_dive_case", 1),
        ok=DEEP_DIVE_READERS,
        forbidden=EVERYONE - DEEP_DIVE_READERS,
        logged=DEEP_DIVE_READERS,
    ),
    ObjectView(
        "deep-dive report",
        audit_url("quality:deep_dive_report"),
        ok=DEEP_DIVE_READERS,
        forbidden=EVERYONE - DEEP_DIVE_READERS,
    ),
    ObjectView(
        "deep-dive spreadsheet",
        audit_url("quality:deep_dive_report_xlsx"),
        ok=DEEP_DIVE_READERS,
        forbidden=EVERYONE - DEEP_DIVE_READERS,
    ),
    ObjectView(
        "census import run",
        run_url("history_import:run", "import_run"),
        ok=frozenset(),  # the data manager's, who holds no case (tests/cases/test_census_import.py)
        forbidden=EVERYONE,
    ),
    ObjectView(
        "census import progress",
        run_url("history_import:run_status", "import_run"),
        ok=frozenset(),  # the data manager's, who holds no case (tests/cases/test_census_import.py)
        forbidden=EVERYONE,
    ),
    ObjectView(
        "census import rejections",
        run_url("history_import:run_report", "import_run"),
        ok=frozenset(),  # the data manager's, who holds no case (tests/cases/test_census_import.py)
        forbidden=EVERYONE,
    ),
    # A report run is its requester's own: anybody else's is not found.
    ObjectView("report run", run_url("quality:report_run", "report_run"), ok=frozenset({"cp_manager"})),
    ObjectView("report download", run_url("quality:report_download", "report_run"), ok=frozenset({"cp_manager"})),
]


@pytest.mark.parametrize("view", OBJECT_VIEWS, ids=lambda view: view.name)
def test_each_role_opens_a_north_team_object(client, council, view):
    objects = north_case(council)
    url = view.url(objects)
    wrong = []
    for role in ROLES:
        user = getattr(council, role)
        client.force_login(user)
        logged_before = RecordAccess.objects.filter(user=user, child=objects.child).count()

        status = client.get(url).status_code

        logged = RecordAccess.objects.filter(user=user, child=objects.child).count() - logged_before
        if status != view.expected(role):
            wrong.append(f"{role}: GET {view.name} answered {status}, expected {view.expected(role)}")
        if role in view.logged and logged != 1:
            wrong.append(f"{role}: opening {view.name} wrote {logged} RecordAccess rows, expected 1")
        if role not in view.logged and status in (403, 404) and logged:
            wrong.append(f"{role}: the refused opening of {view.name} wrote {logged} RecordAccess rows")
    assert not wrong, "\n".join(wrong)


# --- Changing each object ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectAction:
    """An action on one object: only `allowed` may take it. Of the rest, `hidden` get 404 and the others 403.

    Every refused person leaves everything as it was; then each allowed person takes the action with the
    same data (on an object of their own once the first has moved it on), which proves that the refusals
    were about the person and not the data, and that nobody allowed is refused.
    """

    name: str
    stage: str
    url: Callable[[SimpleNamespace], str]
    data: Callable[[SimpleNamespace], dict]
    allowed: frozenset
    hidden: frozenset = WRONG_PLACE
    method: str = "post"
    audited: bool = True  # the allowed action writes an AuditEvent

    def refusal(self, role) -> int:
        return 404 if role in self.hidden else 403


def decision(action, stage, allowed, **fields):
    """A task page of the decision pages, posted with the stage the page showed (and confirmed, where asked)."""

    def data(o):
        o.request.refresh_from_db()
        values = {
            "action": action,
            "confirmed": "yes",
            f"{action}-expected_state": o.request.state,
            f"{action}-expected_version": o.request.version,
        }
        values |= {f"{action}-{name}": value for name, value in fields.items()}
        return values

    return ObjectAction(f"decide: {action}", stage, request_url("decisions:task", action), data, frozenset(allowed))


def challenge_step(step, stage, allowed, **fields):
    """A step's own page, posted with the challenge's state and the request's version the page showed (and
    confirmed, where asked)."""

    def data(o):
        o.request.refresh_from_db()
        values = {
            "action": step,
            "confirmed": "yes",
            f"{step}-expected_state": o.challenge.state,
            f"{step}-expected_version": o.request.version,
        }
        return values | {f"{step}-{name}": value for name, value in fields.items()}

    return ObjectAction(
        f"challenge: {step}",
        stage,
        lambda o: reverse("decisions:challenge_step", args=[o.challenge.pk, step]),
        data,
        frozenset(allowed),
    )


def worker_form(name, stage, url, allowed, **fields):
    def data(o):
        o.request.refresh_from_db()
        return {"expected_state": o.request.state, "expected_version": o.request.version, **fields}

    return ObjectAction(name, stage, url, data, frozenset(allowed))


def deep_dive_answers(o):
    return {"grade": "good", **{f"{code}_judgement": "met" for code in deep_dive.QUESTION_CODES}}


RESPONSE_DUE = today() + datetime.timedelta(days=10)

OBJECT_ACTIONS = [
    # The case holder's work (R1-R7, R12, R13).
    ObjectAction(
        "start a request",
        "no_request",
        lambda o: reverse("conferences:start", args=[o.child.pk]),
        lambda o: {},
        TEAM,
    ),
    worker_form(
        "section: proposal",
        "draft",
        request_url("conferences:section", "proposal"),
        TEAM,
        reason="Neglect again.",
        categories=["NEG"],
        factors=["3B"],
        services="Family support worker",
    ),
    worker_form(
        "section: analysis",
        "manager_discussion",
        request_url("conferences:section", "repeat"),
        TEAM,
        partners_informed_context="Plan ended in January.",
        time_since="Ten months.",
        plan_length="Seven months.",
        risks="Same neglect.",
        services="New services.",
        **date_fields("partners_informed_on", today()),
    ),
    worker_form(
        "section: CP chair conversation",
        "manager_discussion",
        request_url("conferences:section", "chair"),
        TEAM | {"cp_chair"},
        conversation="How the conference will run.",
        **date_fields("held_on", today()),
    ),
    worker_form("submit", "draft", request_url("conferences:check_answers"), TEAM),
    worker_form(
        "prior-plan check",
        "prior_plan_check",
        request_url("conferences:prior_plan_check"),
        TEAM,
        sources_checked=["this_council", "other_councils"],
    ),
    worker_form(
        "withdraw", "manager_discussion", request_url("conferences:withdraw"), TEAM | AREA, reason="Family moved."
    ),
    # The decisions (R2, R8-R11, R14) and their records.
    decision(
        "proceed", "manager_discussion", AREA, alternatives_considered=["pre_proceedings"], rationale="A plan adds."
    ),
    decision("choose_alternative_route", "manager_discussion", AREA, route="child_in_need", rationale="CIN fits."),
    decision("cp_manager_consultation", "cpc_screening", {"cp_chair", "cp_manager"}, consultation="Agreed."),
    decision("screening", "cpc_screening", {"cp_chair"}, difference="Drug services.", timescale_weeks="12"),
    decision(
        "issue_challenge",
        "cpc_screening",
        {"cp_chair"},
        triggers=["core_group_actions_not_implemented"],
        challenge="Why were actions not done?",
        **date_fields("response_due", RESPONSE_DUE),
    ),
    decision("return_for_information", "cpc_screening", {"cp_chair"}, questions="What changed?"),
    decision("decline", "cpc_screening", {"cp_chair"}, reason="Child in Need fits."),
    decision("accept", "cpc_screening", {"cp_chair"}),
    decision(
        "agree",
        "head_of_service_signoff",
        {"head_of_service"},
        grounds=["risks_significantly_different"],
        rationale="New risks.",
    ),
    decision("refuse", "head_of_service_signoff", {"head_of_service"}, reason="Nothing has changed."),
    worker_form(
        "record the conference",
        "ready_to_convene",
        request_url("conferences:record_conference"),
        {"cp_chair"},
        outcome="no_further_action",
        **date_fields("held_on", today()),
    ),
    # Challenge and resolution (R11): the child's team manager answers, a CP chair resolves or escalates.
    challenge_step("respond", "challenge_issued", {"team_manager"}, response="Actions are in place now."),
    challenge_step("escalate", "challenge_issued", {"cp_chair"}, resolution="To the Head of Service."),
    challenge_step("resolve", "challenge_responded", {"cp_chair"}, resolution="Resolved."),
    # Quality assurance: only auditors answer a deep dive (the CP Manager reads it).
    ObjectAction(
        "deep dive: answer a case",
        "deep_dive",
        lambda o: reverse("quality:deep_dive_case", args=[o.audit.pk, o.case.position]),
        deep_dive_answers,
        frozenset({"auditor"}),
        hidden=frozenset(),
        audited=False,
    ),
    # A person's own notifications: opening one marks it read.
    ObjectAction(
        "notification: mark read",
        "notification",
        lambda o: reverse("notifications:mark_read", args=[o.notification.pk]),
        lambda o: {},
        frozenset({"social_worker"}),
        hidden=EVERYONE - {"social_worker"},
        audited=False,
    ),
    ObjectAction(
        "notification: open",
        "notification",
        lambda o: reverse("notifications:open", args=[o.notification.pk]),
        lambda o: {},
        frozenset({"social_worker"}),
        hidden=EVERYONE - {"social_worker"},
        method="get",
        audited=False,
    ),
]


@pytest.mark.parametrize("action", OBJECT_ACTIONS, ids=lambda action: action.name)
def test_only_the_right_people_change_an_object_and_a_refusal_changes_nothing(client, council, action):
    objects = at_stage(council, action.stage)
    url, data = action.url(objects), action.data(objects)
    wrong = []
    for role in ROLES:
        if role in action.allowed:
            continue
        client.force_login(getattr(council, role))
        before = snapshot()

        status = getattr(client, action.method)(url, data).status_code

        if status != action.refusal(role):
            wrong.append(f"{role}: {action.name} answered {status}, expected {action.refusal(role)}")
        if snapshot() != before:
            wrong.append(f"{role}: the refused {action.name} changed something")
    assert not wrong, "\n".join(wrong)

    for number, role in enumerate(role for role in ROLES if role in action.allowed):
        target = objects if number == 0 else at_stage(council, action.stage)
        client.force_login(getattr(council, role))
        before = snapshot()

        response = getattr(client, action.method)(action.url(target), action.data(target))

        after = snapshot()
        assert response.status_code == 302, f"{role}: {action.name} answered {response.status_code}"
        assert after != before, f"{role}: {action.name} changed nothing"
        if action.audited:
            assert after["audit_events"] > before["audit_events"], f"{role}: {action.name} wrote no AuditEvent"


# --- Anonymous people -------------------------------------------------------------------------------------------

# The ways in and out (tests/accounts covers how each answers a person who is not signed in).
NOT_BEHIND_SIGN_IN = {"login", "logout", "timed_out", "oidc_authentication_init", "oidc_authentication_callback"}
# Public by design and free of personal data: the load balancer's health check and the API's own description.
PUBLIC = {"healthz", "api:schema", "api:docs"}
SAMPLE_ARGUMENTS = {"int": 1, "slug": "proposal", "string": "csv", "path": "x"}


def site_url_names():
    """Every named page of the site (the admin has its own sign-in), with sample arguments for its URL."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in NOT_BEHIND_SIGN_IN:
                converters = getattr(pattern.pattern, "converters", {})
                kwargs = {
                    name: SAMPLE_ARGUMENTS[type(c).__name__.removesuffix("Converter").lower()]
                    for name, c in converters.items()
                }
                full_name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if full_name not in PUBLIC:
                    yield full_name, kwargs

    return sorted(walk(get_resolver().url_patterns, None))


@pytest.mark.parametrize(
    ("name", "kwargs"), site_url_names(), ids=lambda value: value if isinstance(value, str) else ""
)
def test_anonymous_people_are_sent_to_sign_in_by_every_page(client, db, name, kwargs):
    """Pages send an anonymous visitor to sign in; the API, which has no sign-in page, answers 401."""
    url = reverse(name, kwargs=kwargs)
    before = snapshot()
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if url.startswith("/api/v1/"):
            assert response.status_code == 401, f"anonymous {method.upper()} {url} answered {response.status_code}"
            continue
        assert response.status_code == 302, f"anonymous {method.upper()} {url} answered {response.status_code}"
        assert response.url.startswith(f"{reverse('login')}?next="), (
            f"anonymous {method.upper()} {url} went to {response.url}"
        )
    assert snapshot() == before
