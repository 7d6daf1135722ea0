"""A realistic council for the demo and for trying the product out: people, families, histories, requests.

Everything is made through the same service functions the pages use, so the demo's requests have
the audit trail, permissions and notifications a real one would. Seeded, so every build is the same.
"""

import datetime
import random

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cases.models import Child, CPPlan, Engagement, Family, HowPlanEnded, PlanService, PlanSource
from cases.permissions import ensure_role_groups
from conferences import records, transitions
from people.models import ServiceArea, Staff, Team
from people.roles import Role

DEMO_PASSWORD = "gatekeeping-demo"

SERVICE_AREAS = {
    "Area Units": ["North Area Unit", "South Area Unit"],
    "Through Care Teams": ["Through Care Team"],
    "Birth-25 Service": ["Birth-25 Team"],
    "Child Protection Conference Service": ["Conference and Review Team"],
}

# username: (role, first name, last name, team or service area)
PEOPLE = {
    "worker": (Role.SOCIAL_WORKER, "Sam", "Okafor", "North Area Unit"),
    "practice.lead": (Role.PRACTICE_LEAD, "Priya", "Shah", "North Area Unit"),
    "team.manager": (Role.TEAM_MANAGER, "Tom", "Hughes", "North Area Unit"),
    "area.manager": (Role.AREA_MANAGER, "Aisha", "Begum", "Area Units"),
    "service.manager": (Role.SERVICE_MANAGER, "Sean", "Murphy", "Area Units"),
    "cp.chair": (Role.CP_CHAIR, "Claire", "Evans", None),
    "cp.chair2": (Role.CP_CHAIR, "Kwame", "Mensah", None),
    "cp.manager": (Role.CP_MANAGER, "Carol", "Price", None),
    "head.of.service": (Role.HEAD_OF_SERVICE, "Helen", "Morgan", None),
    "auditor": (Role.AUDITOR, "Adam", "Lewis", None),
    "data.manager": (Role.DATA_MANAGER, "Dana", "Clarke", None),
    "worker.south": (Role.SOCIAL_WORKER, "Sofia", "Nowak", "South Area Unit"),
    "team.manager.south": (Role.TEAM_MANAGER, "Tariq", "Ali", "South Area Unit"),
    "worker.birth25": (Role.SOCIAL_WORKER, "Bella", "Reid", "Birth-25 Team"),
    "area.manager.birth25": (Role.AREA_MANAGER, "Bilal", "Iqbal", "Birth-25 Service"),
}

FIRST_NAMES = [
    "Amelia",
    "Noah",
    "Olivia",
    "Leo",
    "Isla",
    "Oscar",
    "Ava",
    "Arthur",
    "Mia",
    "Muhammad",
    "Ivy",
    "George",
    "Freya",
    "Harry",
    "Lily",
    "Theo",
    "Rosie",
    "Jack",
    "Sophia",
    "Alfie",
    "Grace",
    "Finley",
    "Evie",
    "Charlie",
    "Ella",
    "Jacob",
    "Poppy",
    "Mason",
    "Ruby",
    "Ethan",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Ahmed",
    "Kowalski",
    "Campbell",
]
SERVICES = [
    "Parenting programme",
    "Domestic abuse perpetrator programme",
    "Family support worker",
    "Substance misuse service",
    "Adult mental health service",
    "Freedom programme",
    "Family group conference",
    "Speech and language therapy",
    "Early help family hub",
]
FACTORS = ["1B", "2B", "3B", "3C", "4B", "16A", "17A", "5B", "10A", "11A"]
CATEGORIES = ["NEG", "NEG", "NEG", "EMO", "EMO", "PHY", "SAB", "MUL"]
OTHER_COUNCILS = ["Bath and North East Somerset", "South Gloucestershire", "North Somerset", "Cardiff"]


def build(today: datetime.date | None = None, children: int = 60, seed: int = 2026, out=None) -> dict:
    """Build the demo council. Returns counts of what was made."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    say = out or (lambda message: None)
    with transaction.atomic():
        ensure_role_groups()
        teams = _organisation()
        people = _people(teams)
        made_children = _families_and_histories(rng, teams, people, today, children)
    say(f"{len(made_children)} children in {Family.objects.count()} families, {CPPlan.objects.count()} CP plans.")
    requests = _requests(rng, people, made_children)
    say(f"{len(requests)} conference requests in every state.")
    return {"children": len(made_children), "requests": len(requests)}


def _organisation() -> dict:
    teams = {}
    for area_name, team_names in SERVICE_AREAS.items():
        area, _ = ServiceArea.objects.get_or_create(name=area_name)
        for team_name in team_names:
            teams[team_name], _ = Team.objects.get_or_create(name=team_name, service_area=area)
    return teams


def _people(teams) -> dict:
    user_model = get_user_model()
    people = {}
    # One hash for everyone: they share the password, and the hasher is deliberately slow.
    password = make_password(DEMO_PASSWORD)
    for username, (role, first, last, place) in PEOPLE.items():
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@council.example"}
        )
        if created:
            user.password = password
            user.save()
        team = teams.get(place)
        area = ServiceArea.objects.filter(name=place).first() if place and not team else None
        Staff.objects.update_or_create(user=user, defaults={"role": role, "team": team, "service_area": area})
        people[username] = user
    admin, created = user_model.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@council.example"}
    )
    if created:
        admin.password = password
        admin.save()
    return people


# The shapes of history the demo needs, by how many previous plans and when the last one ended.
HISTORIES = [
    ("first plan open", 0, None),
    ("no plan yet", 0, None),
    ("one plan, ended within 12 months", 1, (60, 330)),
    ("one plan, ended over a year ago", 1, (400, 1400)),
    ("two plans", 2, (90, 700)),
    ("three plans", 3, (120, 600)),
]


def _families_and_histories(rng, teams, people, today, count) -> list:
    workers = {
        "North Area Unit": people["worker"],
        "South Area Unit": people["worker.south"],
        "Birth-25 Team": people["worker.birth25"],
    }
    case_teams = [
        "North Area Unit",
        "North Area Unit",
        "North Area Unit",
        "South Area Unit",
        "Birth-25 Team",
        "Through Care Team",
    ]
    made = []
    number = 0
    while len(made) < count:
        number += 1
        surname = rng.choice(SURNAMES)
        family = Family.objects.create(reference=f"FAM{number:04d}", name=f"The {surname} family")
        team = teams[rng.choice(case_teams)]
        for _ in range(min(rng.choice([1, 1, 2, 2, 3]), count - len(made))):
            age_days = rng.randint(300, 16 * 365)
            child = Child.objects.create(
                local_child_id=f"DEMO{len(made) + 1:04d}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=surname,
                date_of_birth=today - datetime.timedelta(days=age_days),
                sex=rng.choice(["1", "2"]),
                ethnicity=rng.choice(["WBRI", "WBRI", "MWBC", "ABAN", "BAFR", "WOTH"]),
                family=family,
                team=team,
                allocated_worker=workers.get(team.name),
            )
            _history(rng, child, today, age_days, HISTORIES[len(made) % len(HISTORIES)])
            made.append(child)
    return made


def _history(rng, child, today, age_days, shape):
    label, previous, last_end_window = shape
    if label == "first plan open":
        _plan(rng, child, today - datetime.timedelta(days=rng.randint(30, 200)), None)
        return
    if previous == 0:
        return
    end = today - datetime.timedelta(days=rng.randint(*last_end_window))
    for index in range(previous):
        length = rng.choice([70, 85, 150, 240, 300, 400, 560])
        start = end - datetime.timedelta(days=length)
        if (today - start).days > age_days:
            break
        _plan(rng, child, start, end, other_council=index == previous - 1 and rng.random() < 0.3)
        end = start - datetime.timedelta(days=rng.randint(60, 500))


def last_census_date(today: datetime.date) -> datetime.date:
    """The reference date of the latest census return: 31 March."""
    year = today.year if (today.month, today.day) >= (3, 31) else today.year - 1
    return datetime.date(year, 3, 31)


def _plan(rng, child, start, end, other_council=False):
    """A plan as the council holds it: those over by the last census came in its return, later ones were
    entered by the data manager."""
    census = last_census_date(timezone.localdate())
    from_census = end is not None and end <= census
    category = rng.choice(CATEGORIES)
    short = end is not None and (end - start).days < 92
    plan = CPPlan.objects.create(
        child=child,
        start_date=start,
        end_date=end,
        initial_category=category,
        latest_category=category if rng.random() < 0.8 else rng.choice(CATEGORIES),
        assessment_factors=sorted(set(rng.sample(FACTORS, rng.randint(1, 3)))),
        how_ended=(
            rng.choice([HowPlanEnded.STEPPED_DOWN_CIN, HowPlanEnded.STEPPED_DOWN_CIN, HowPlanEnded.CLOSED])
            if end
            else ""
        ),
        outstanding_actions_at_closure=bool(end) and rng.random() < 0.2,
        core_group_actions_not_implemented=bool(end) and (short or rng.random() < 0.15),
        held_by_other_council=other_council,
        other_council=rng.choice(OTHER_COUNCILS) if other_council else "",
        source=PlanSource.CENSUS if from_census else PlanSource.ENTERED,
        source_date=census if from_census else None,
    )
    for name in rng.sample(SERVICES, rng.randint(1, 3)):
        PlanService.objects.create(plan=plan, name=name, engagement=rng.choice(list(Engagement.values)))


def _requests(rng, people, children) -> list:
    """Requests in every state, for children of the North Area Unit and the Birth-25 Team."""
    made = []
    candidates = [
        c
        for c in children
        if c.team
        and c.team.name in ("North Area Unit", "Birth-25 Team")
        and not c.plans.filter(end_date__isnull=True).exists()
    ]
    repeat = [c for c in candidates if c.plans.exists()]
    first = [c for c in candidates if not c.plans.exists()]
    third = [c for c in repeat if c.plans.count() >= 2]
    second = [c for c in repeat if c.plans.count() == 1]

    scenarios = [
        (second, "draft"),
        (second, "prior_plan_check"),
        (second, "manager_discussion"),
        (second, "manager_discussion"),
        (second, "cpc_screening"),
        (second, "cpc_screening"),
        (third, "cpc_screening"),
        (third, "head_of_service_signoff"),
        (second, "ready_to_convene"),
        (second, "convened"),
        (second, "closed_alternative_route"),
        (second, "declined"),
        (second, "withdrawn"),
        (second, "returned"),
        (third, "refused"),
        (first, "ready_to_convene"),
        (first, "draft"),
        (third, "head_of_service_signoff"),
    ]
    used = set()
    for pool, target in scenarios:
        child = next((c for c in pool if c.pk not in used), None)
        if child is None:
            continue
        used.add(child.pk)
        made.append(_walk_in_time(rng, people, child, target))
    return made


def _actors(people, child):
    if child.team.name == "Birth-25 Team":
        return people["worker.birth25"], people["area.manager.birth25"]
    return people["worker"], people["area.manager"]


# Each request starts this many days ago, and up to a week more; a working day passes between its steps
# (seven at most, ten calendar days with a weekend between), so the last step is still in the past.
DAYS_BACK = 11


def _walk_in_time(rng, people, child, target):
    """Walk a request from some days ago, a working day passing between its steps, so that its trail, its
    stage clock, the dashboards' days waiting and the indicators' medians all tell the same story."""
    started = timezone.now() - datetime.timedelta(days=DAYS_BACK + rng.randint(0, 7))
    with time_machine.travel(started, tick=False) as traveller:

        def next_working_day():
            traveller.shift(datetime.timedelta(days=1))
            while timezone.localdate().weekday() >= 5:
                traveller.shift(datetime.timedelta(days=1))

        return _walk(rng, people, child, target, next_working_day)


def _walk(rng, people, child, target, next_day):
    """Take one request as far as `target` through the real business actions."""
    worker, manager = _actors(people, child)
    chair, hos = people["cp.chair"], people["head.of.service"]
    request = records.start_request(child, worker)
    last = child.plans.order_by("-end_date").first()
    previous_services = list(PlanService.objects.filter(plan=last).values_list("name", flat=True)) if last else []
    services = sorted({rng.choice(SERVICES), *(previous_services[:1])})
    request = records.update_proposal(
        request.pk,
        worker,
        reason="Concerns have returned after a period of stability: "
        + rng.choice(
            [
                "the school reports the children arriving hungry and unkempt.",
                "police attended a domestic incident with the children present.",
                "the mother's former partner has returned to the household.",
                "a referral from health about missed appointments and a bruise.",
            ]
        ),
        categories=[rng.choice(["NEG", "EMO", "PHY"])],
        factors=sorted(set(rng.sample(FACTORS, 2))),
        strategy_discussion_date=timezone.localdate() - datetime.timedelta(days=rng.randint(1, 6)),
    )
    records.set_proposed_services(request.pk, worker, services)
    if target == "draft":
        return request
    next_day()
    _fill_worker_facts(request, worker, child, services, previous_services)
    next_day()
    request = transitions.submit(request.pk, worker)
    if target == "prior_plan_check":
        return request
    next_day()
    request = transitions.confirm_prior_plan_check(
        request.pk, worker, sources_checked=["this_council", "other_councils"]
    )
    if request.state == "ready_to_convene":
        return request
    if target == "withdrawn":
        return transitions.withdraw(request.pk, worker, reason="The family moved to another council.")
    if target == "manager_discussion":
        return request
    next_day()
    if target == "closed_alternative_route":
        return transitions.choose_alternative_route(
            request.pk,
            manager,
            route="pre_proceedings",
            alternatives_considered=["legal_planning"],
            rationale="Third period of concern; legal planning meeting advised pre-proceedings instead of a plan.",
        )
    request = transitions.proceed(
        request.pk,
        manager,
        alternatives_considered=["pre_proceedings", "child_in_need"],
        rationale="Considered pre-proceedings and CIN planning; the new risks need multi-agency CP planning.",
    )
    if target == "cpc_screening":
        return request
    next_day()
    if target == "returned":
        return transitions.return_for_information(
            request.pk, chair, questions="What services did the family refuse under the last plan, and why?"
        )
    records.record_cp_manager_consultation(request.pk, chair, consultation="Discussed with the CP Manager.")
    from conferences.selectors import assessment_for

    assessment = assessment_for(request)
    records.record_screening(
        request.pk,
        chair,
        difference="A plan brings the substance misuse service the last plan lacked.",
        timescale_weeks=rng.choice([12, 16, 24]),
    )
    if assessment.challenge_triggers:
        records.issue_challenge(
            request.pk,
            chair,
            triggers=list(assessment.challenge_triggers),
            challenge="The previous plan closed with core-group actions outstanding: what will be different?",
            response_due=timezone.localdate() + datetime.timedelta(days=14),
        )
    if target == "declined":
        return transitions.decline(request.pk, chair, reason="Child in Need planning can meet the need.")
    next_day()
    request = transitions.accept(request.pk, chair)
    if target in ("head_of_service_signoff", "ready_to_convene") and request.state == target:
        return request
    if target == "refused":
        return transitions.refuse(request.pk, hos, reason="The risks are the same as under the last two plans.")
    next_day()
    if request.state == "head_of_service_signoff":
        request = transitions.agree(
            request.pk,
            hos,
            grounds=["circumstances_substantially_changed"],
            rationale="A new partner with a history of violence has moved in.",
        )
    if target == "convened":
        return transitions.record_conference(
            request.pk, chair, held_on=timezone.localdate(), outcome="cp_plan", category=request.proposed_categories[0]
        )
    return request


def _fill_worker_facts(request, worker, child, services, previous_services):
    today = timezone.localdate()
    records.record_partners_informed(
        request.pk,
        worker,
        informed_on=request.strategy_discussion_date,  # partners are told at the strategy discussion (R3)
        context="Partners told of the previous plan (dates, category, why it ended) at the strategy discussion.",
    )
    records.record_analysis(
        request.pk,
        worker,
        time_since="The previous plan ended recently; change was not sustained once support reduced.",
        plan_length="The previous plan ran long enough to show the family could engage while supported.",
        risks="Neglect recurs; drug misuse by the mother's partner is new and surfaced as the old risk reduced.",
        services="A substance misuse service and a family support worker were not offered before.",
    )
    for service in request.proposed_services.all():
        if service.name in previous_services:
            records.record_service_rationale(
                request.pk,
                worker,
                service.pk,
                repeat_rationale="The mother engaged well last time and asked for it again.",
                expected_impact="Keeps routines in place while the new service starts.",
            )
    for sibling in child.siblings():
        records.record_sibling_decision(
            request.pk, worker, sibling_id=sibling.pk, include=True, reason="Lives in the same household."
        )
    records.record_cp_chair_conversation(
        request.pk,
        worker,
        conversation="Talked through how to run the conference and engage the father.",
        held_on=today,
    )
