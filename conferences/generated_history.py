"""A council's ten years of CP history at any size, built in seconds, for trying the product at scale.

`generate(children=N)` writes families, children, CP plans in the national shape (about a quarter
of plans are second or later plans; plan lengths in the DfE's bands, reference/cin-codes.md), the
services delivered under them, the council's teams in its four service areas, and conference
requests in every state with their audit trail, challenges and sibling decisions. The demo people
(conferences/demo.py) are made too, so anyone can sign in and look around.

Rows go in with COPY, not one INSERT at a time, and nothing is switched off on the way: every row
trigger fires as it would for a page's save (the trail's history events, rule 8940's overlap check,
the request's version). Object permissions, which a model's post_save keeps in step, are granted
here in one statement per table with the same rule (cases.permissions.access_groups: the child's
team's group and its service area's group). Seeded: the same size and seed give the same council.
"""

import datetime
import json
import math
import random
import uuid
from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import (
    Child,
    ChildGroupObjectPermission,
    CPPlan,
    Engagement,
    Family,
    HowPlanEnded,
    PlanService,
    PlanSource,
)
from cases.permissions import CHILD_PERMS, ensure_role_groups
from cases.selectors import count_previous_plans
from conferences import demo
from conferences.actions import ACTIONS, START_REQUEST
from conferences.assessment import AssessmentError, PlanRecord, Proposal, assess
from conferences.models import (
    AlternativeRoute,
    Challenge,
    ChallengeTrigger,
    ConferenceRequest,
    ConferenceRequestGroupObjectPermission,
    HeadOfServiceGround,
    HistorySource,
    ProposedService,
    SiblingDecision,
)
from conferences.permissions import REQUEST_PERMS
from conferences.queue import refresh_queue_facts
from conferences.stages import ChallengeState, State
from people.groups import area_group, team_group
from people.models import ServiceArea, Team

YEARS = 10
# England's plans ending in 2025 by length (DfE table D3): the band, its share, its range in days.
LENGTH_BANDS = [
    (0.159, 21, 91),  # 3 months or less
    (0.110, 92, 182),  # 3 to 6 months
    (0.435, 183, 365),  # 6 to 12 months
    (0.252, 366, 730),  # 1 to 2 years
    (0.044, 731, 1100),  # 2 years or more
]
# How many plans a child has on record here. With the census's declared earlier plans below, about
# a quarter of plans are second or later plans (England 2025: 24.5%); 6% of children have none yet.
PLANS_PER_CHILD = {0: 0.06, 1: 0.72, 2: 0.16, 3: 0.045, 4: 0.015}
# The time between one plan's end and the next one's start.
GAP_BANDS = [(0.35, 30, 364), (0.25, 365, 730), (0.40, 731, 1800)]
DECLARED_EARLIER_PLAN = 0.03  # a first plan here whose census return says the child had one before
HELD_ELSEWHERE = 0.04  # an earlier plan held by another council
FAMILY_SIZES = {1: 0.45, 2: 0.30, 3: 0.15, 4: 0.10}
CATEGORIES = {"NEG": 0.47, "EMO": 0.37, "PHY": 0.08, "SAB": 0.04, "MUL": 0.04}
ENDINGS = {
    HowPlanEnded.STEPPED_DOWN_CIN: 0.60,
    HowPlanEnded.STEPPED_DOWN_EARLY_HELP: 0.10,
    HowPlanEnded.CLOSED: 0.15,
    HowPlanEnded.CARE_PROCEEDINGS: 0.08,
    HowPlanEnded.MOVED_AWAY: 0.05,
    HowPlanEnded.OTHER: 0.02,
}
CHILDREN_PER_TEAM = 2000
EXTRA_TEAMS = {  # new teams go to the service areas in these shares
    "Area Units": 0.55,
    "Through Care Teams": 0.15,
    "Birth-25 Service": 0.25,
    "Child Protection Conference Service": 0.05,
}
# Conference requests: about 6 for every 100 children, in these shares; the CP chairs' screening
# queue holds one request for every 600 children (1,000 at 600,000).
REQUESTS_PER_CHILD = 0.06
SCREENING_PER_CHILD = 1 / 600
REQUEST_SHARES = {
    State.CONVENED: 0.62,
    State.CLOSED_ALTERNATIVE_ROUTE: 0.08,
    State.DECLINED: 0.07,
    State.WITHDRAWN: 0.05,
    State.DRAFT: 0.03,
    State.PRIOR_PLAN_CHECK: 0.01,
    State.MANAGER_DISCUSSION: 0.02,
    State.HEAD_OF_SERVICE_SIGNOFF: 0.01,
    State.READY_TO_CONVENE: 0.02,
}
OPEN_REQUEST_STATES = (
    State.DRAFT,
    State.PRIOR_PLAN_CHECK,
    State.MANAGER_DISCUSSION,
    State.CPC_SCREENING,
    State.HEAD_OF_SERVICE_SIGNOFF,
    State.READY_TO_CONVENE,
)
# Two children kept for the heaviest pages and the assessment's worst ordinary case.
FIFTY_PLANS_CHILD = "HISTORY-FIFTY-PLANS"
TEN_PLANS_CHILD = "HISTORY-TEN-PLANS"


class HistoryExists(Exception):
    """The database holds children already; a generated history goes into an empty council only."""


@dataclass
class _Ids:
    """Primary keys handed out here, so that rows can refer to each other before any is written."""

    next: dict = field(default_factory=dict)

    def take(self, model) -> int:
        if model not in self.next:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(model._meta.db_table)}")
                self.next[model] = cursor.fetchone()[0] + 1
        value = self.next[model]
        self.next[model] += 1
        return value


def _pick(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _days(rng, bands) -> int:
    low, high = rng.choices([(lo, hi) for _, lo, hi in bands], weights=[w for w, _, _ in bands])[0]
    return rng.randint(low, high)


def _copyable(field, value):
    """JSON columns take their text; every other value psycopg writes as it is."""
    return json.dumps(value, cls=DjangoJSONEncoder) if isinstance(field, models.JSONField) else value


class _Rows:
    """Rows waiting to be copied, per model. A field not given takes the value Django would save
    (its default, or "" or NULL), so a column added later needs no change here."""

    def __init__(self):
        self.fields: dict = {}
        self.rows: dict = {}

    def add(self, model, **values):
        if model not in self.fields:
            self.fields[model] = [f for f in model._meta.concrete_fields if f.attname in values or not f.primary_key]
        self.rows.setdefault(model, []).append(
            tuple(
                _copyable(f, values[f.attname] if f.attname in values else f.get_default()) for f in self.fields[model]
            )
        )

    def copy(self, cursor, model):
        rows = self.rows.pop(model, [])
        if not rows:
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields[model])
        with cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def generate(children: int, seed: int = 2026, today: datetime.date | None = None, out=None) -> dict:
    """Build the history. Raises HistoryExists when there are children already."""
    say = out or (lambda message: None)
    today = today or timezone.localdate()
    rng = random.Random(seed)
    if Child.objects.exists():
        raise HistoryExists("The database already holds children: generate a history into an empty one.")
    with transaction.atomic():
        ensure_role_groups()
        teams = _organisation(children)
        people = demo._people({team.name: team for team in teams})
        ids, rows = _Ids(), _Rows()
        made = _children_and_plans(rng, ids, rows, teams, people, today, children)
        requests = _requests(rng, ids, rows, made, people, today, children)
        with connection.cursor() as wrapper:
            # The rows' history events name what wrote them, as pghistory.context does for a page.
            wrapper.execute(
                "SELECT set_config('pghistory.context_id', %s, true), "
                "set_config('pghistory.context_metadata', %s, true)",
                [str(uuid.uuid4()), json.dumps({"source": "generate_history", "children": children})],
            )
            # The tables' statistics still say "empty" while they fill, so the triggers' look-ups
            # (rule 8940's lock on the child and its overlap check, the request's version) would scan
            # whole tables for every row. Their indexes are there: this transaction uses them.
            wrapper.execute("SET LOCAL enable_seqscan = off")
            cursor = wrapper.cursor
            for model in (Family, Child, CPPlan, PlanService, ConferenceRequest, ProposedService):
                rows.copy(cursor, model)
            for model in (SiblingDecision, Challenge, AuditEvent):
                rows.copy(cursor, model)
            for statement in connection.ops.sequence_reset_sql(
                no_style(),
                [Family, Child, CPPlan, PlanService, ConferenceRequest, ProposedService, SiblingDecision, Challenge]
                + [AuditEvent],
            ):
                wrapper.execute(statement)
            wrapper.execute("SET LOCAL enable_seqscan = on")
            _grant_team_and_area_access(wrapper)
        # What the queues sort and filter on, kept by signals when a page saves a request.
        refresh_queue_facts()
    counts = {
        "children": Child.objects.count(),
        "families": Family.objects.count(),
        "plans": CPPlan.objects.count(),
        "requests": len(requests),
        "teams": len(teams),
    }
    say(
        f"{counts['children']} children in {counts['families']} families and {counts['teams']} teams, "
        f"{counts['plans']} CP plans over {YEARS} years, {counts['requests']} conference requests."
    )
    return counts


def _organisation(children: int) -> list[Team]:
    demo_teams = demo._organisation()
    teams = list(demo_teams.values())
    areas = {area.name: area for area in ServiceArea.objects.all()}
    wanted = max(len(teams), math.ceil(children / CHILDREN_PER_TEAM))
    for number in range(len(teams), wanted):
        area_name = list(EXTRA_TEAMS)[_share_index(number)]
        area = areas[area_name]
        team, _ = Team.objects.get_or_create(name=f"{area_name} team {number + 1}", service_area=area)
        teams.append(team)
    for team in teams:
        team_group(team)
        area_group(team.service_area)
    return teams


def _share_index(number: int) -> int:
    """Spread new teams over the service areas in EXTRA_TEAMS's shares, without randomness."""
    position = (number * 0.618034) % 1
    total = 0.0
    for index, share in enumerate(EXTRA_TEAMS.values()):
        total += share
        if position < total:
            return index
    return 0


def _plan_history(rng, today, count: int) -> list[tuple[datetime.date, datetime.date | None]]:
    """`count` plans in order within the last ten years, the last one possibly still open today."""
    if count == 0:
        return []
    window = YEARS * 365
    for _ in range(10):
        lengths = [_days(rng, LENGTH_BANDS) for _ in range(count)]
        gaps = [_days(rng, GAP_BANDS) for _ in range(count - 1)]
        span = sum(lengths) + sum(gaps)
        if span < window - 30:
            break
    else:
        return _plan_history(rng, today, count - 1) if count > 1 else []
    last_end = today - datetime.timedelta(days=rng.randint(-(lengths[-1] - 1), window - span))
    plans = []
    end = last_end
    for index in reversed(range(count)):
        start = end - datetime.timedelta(days=lengths[index])
        plans.append((start, end))
        if index:
            end = start - datetime.timedelta(days=gaps[index - 1])
    plans.reverse()
    start, end = plans[-1]
    if end > today:
        plans[-1] = (start, None)
    return plans


@dataclass
class _Child:
    id: int
    team: Team
    family_id: int
    plans: list  # (id, start, end, trigger)
    siblings: list = field(default_factory=list)


def _children_and_plans(rng, ids, rows, teams, people, today, wanted) -> list[_Child]:
    workers = {
        "North Area Unit": people["worker"].pk,
        "South Area Unit": people["worker.south"].pk,
        "Birth-25 Team": people["worker.birth25"].pk,
    }
    north = next(team for team in teams if team.name == "North Area Unit")
    made: list[_Child] = []
    special = {FIFTY_PLANS_CHILD: 50, TEN_PLANS_CHILD: 10}
    while len(made) < wanted:
        surname = rng.choice(demo.SURNAMES)
        family_id = ids.take(Family)
        rows.add(Family, id=family_id, reference=f"HIST{family_id:07d}", name=f"The {surname} family")
        # The two long histories go to the first family, in the demo worker's team.
        team = north if special else rng.choice(teams)
        family = []
        for _ in range(min(_pick(rng, FAMILY_SIZES), wanted - len(made))):
            local_id = None
            if special:
                local_id, count = special.popitem()
                history = _long_history(today, count)
            else:
                history = _plan_history(rng, today, _pick(rng, PLANS_PER_CHILD))
            child_id = ids.take(Child)
            first_start = history[0][0] if history else today - datetime.timedelta(days=rng.randint(30, 3000))
            birth = first_start - datetime.timedelta(days=rng.randint(30, 16 * 365))
            rows.add(
                Child,
                id=child_id,
                local_child_id=local_id or f"HIST{child_id:08d}",
                first_name=rng.choice(demo.FIRST_NAMES),
                last_name=surname,
                date_of_birth=birth,
                expected_date_of_birth=None,
                sex=rng.choice("12"),
                ethnicity=rng.choice(["WBRI", "WBRI", "WBRI", "MWBC", "ABAN", "BAFR", "WOTH", "APKN"]),
                has_disability=rng.random() < 0.08,
                family_id=family_id,
                team_id=team.pk,
                allocated_worker_id=workers.get(team.name),
                declared_previous_plans=None,
            )
            child = _Child(child_id, team, family_id, [])
            declared_before = 1 if history and rng.random() < DECLARED_EARLIER_PLAN else 0
            for index, (start, end) in enumerate(history):
                child.plans.append(
                    _plan(rng, ids, rows, child_id, index, start, end, len(history), declared_before, today)
                )
            family.append(child)
            made.append(child)
        for child in family:
            child.siblings = [other.id for other in family if other is not child]
    return made


def _long_history(today, count):
    """`count` short plans one after another, ending well before today (the record's heaviest case)."""
    plans = []
    end = today - datetime.timedelta(days=40)
    for _ in range(count):
        start = end - datetime.timedelta(days=35)
        plans.append((start, end))
        end = start - datetime.timedelta(days=35)
    return list(reversed(plans))


def _plan(rng, ids, rows, child_id, index, start, end, count, declared_before, today):
    plan_id = ids.take(CPPlan)
    category = _pick(rng, CATEGORIES)
    latest = category if rng.random() < 0.85 else _pick(rng, CATEGORIES)
    factors = sorted(set(rng.sample(demo.FACTORS, rng.randint(1, 3))))
    services = rng.sample(demo.SERVICES, rng.randint(1, 2))
    ended = end is not None
    short = ended and end <= start + datetime.timedelta(days=91)
    elsewhere = ended and index < count - 1 and rng.random() < HELD_ELSEWHERE
    outstanding = ended and rng.random() < 0.10
    core_group = ended and (short and rng.random() < 0.5 or rng.random() < 0.08)
    rows.add(
        CPPlan,
        id=plan_id,
        child_id=child_id,
        start_date=start,
        end_date=end,
        initial_category=category,
        latest_category=latest,
        assessment_factors=factors,
        how_ended=_pick(rng, ENDINGS) if ended else "",
        outstanding_actions_at_closure=outstanding,
        core_group_actions_not_implemented=core_group,
        held_by_other_council=elsewhere,
        other_council=rng.choice(demo.OTHER_COUNCILS) if elsewhere else "",
        declared_previous_plans=index + declared_before,
        **_source(start, end, today),
    )
    for name in services:
        rows.add(
            PlanService,
            id=ids.take(PlanService),
            plan_id=plan_id,
            name=name,
            engagement=rng.choice(Engagement.values),
            notes="",
        )
    record = PlanRecord(
        start=start,
        end=end,
        categories=frozenset({category, latest}),
        factors=frozenset(factors),
        services=frozenset(services),
        outstanding_actions_at_closure=outstanding,
        core_group_actions_not_implemented=core_group,
        number_of_previous_plans=index + declared_before,
    )
    return (plan_id, start, end, bool(outstanding or core_group or short), record)


def _source(start, end, today) -> dict:
    """Where the plan came from: the latest census return that held it, or, for a plan that began
    after the last return, the conference that started it."""
    last_return = datetime.date(today.year if today >= datetime.date(today.year, 3, 31) else today.year - 1, 3, 31)
    if start > last_return:
        return {"source": PlanSource.CONFERENCE, "source_date": start}
    held_until = min(end or today, last_return)
    year = held_until.year if held_until <= datetime.date(held_until.year, 3, 31) else held_until.year + 1
    return {"source": PlanSource.CENSUS, "source_date": min(datetime.date(year, 3, 31), last_return)}


# ---- requests ----

WORKER_FACTS = {
    "reason": "Concerns have returned after a period of stability: the school reports the children arriving hungry.",
    "partners_informed_context": "Partners told of the previous plan (dates, category, why it ended).",
    "analysis_time_since": "The previous plan ended recently; change was not sustained once support reduced.",
    "analysis_plan_length": "The previous plan ran long enough to show the family could engage while supported.",
    "analysis_risks": "Neglect recurs; drug misuse by the mother's partner is new.",
    "analysis_services": "A substance misuse service was not offered before.",
    "cp_chair_conversation": "Talked through how to run the conference and engage the father.",
}


def _walk(target: str, rng, third: bool) -> list[str]:
    """The transitions a request took to reach `target`, as the state machine allows (DESIGN.md 4):
    a third or later plan goes to the Head of Service after screening."""
    to_manager = ["submit", "confirm_previous_plan"]
    to_screening = [*to_manager, "proceed"]
    accepted = [*to_screening, "accept", *(["agree"] if third else [])]
    return {
        State.DRAFT: [],
        State.PRIOR_PLAN_CHECK: ["submit"],
        State.MANAGER_DISCUSSION: to_manager,
        State.CPC_SCREENING: to_screening,
        State.HEAD_OF_SERVICE_SIGNOFF: [*to_screening, "accept"],
        State.READY_TO_CONVENE: accepted,
        State.CONVENED: [*accepted, "record_conference"],
        State.CLOSED_ALTERNATIVE_ROUTE: [*to_manager, "choose_alternative_route"],
        State.DECLINED: [*to_screening, "accept", "refuse"]
        if third and rng.random() < 0.3
        else [*to_screening, "decline"],
        State.WITHDRAWN: [*to_manager[: rng.randint(0, 2)], "withdraw"],
    }[target]


def _states_to_make(requests: int, screening: int) -> list[str]:
    counts = {state: round(requests * share) for state, share in REQUEST_SHARES.items()}
    counts[State.CPC_SCREENING] = screening
    for state in State.values:  # every state, however small the council
        counts[state] = max(counts.get(state, 0), 1)
    return [state for state, count in counts.items() for _ in range(count)]


def _requests(rng, ids, rows, made, people, today, children) -> list[int]:
    """Requests for children whose plans have ended: the decided ones in the past, the open ones lately."""
    states = _states_to_make(round(children * REQUESTS_PER_CHILD), max(1, round(children * SCREENING_PER_CHILD)))
    # Decided requests belong to a repeat plan that started (convened) or to a time between plans;
    # open ones to children with no plan now. One request per child keeps each child's story simple.
    with_repeat = [c for c in made if len(c.plans) >= 2]
    settled = today - datetime.timedelta(days=30)
    ended = [c for c in made if c.plans and c.plans[-1][2] is not None and c.plans[-1][2] < settled]
    rng.shuffle(with_repeat)
    rng.shuffle(ended)
    used: set[int] = set()
    made_ids = []
    third = [c for c in ended if len(c.plans) >= 2]
    pools = {"convened": iter(with_repeat), "other": iter(ended), "third": iter(third)}
    for target in states:
        wanted = {State.CONVENED: ["convened"], State.HEAD_OF_SERVICE_SIGNOFF: ["third", "other"]}
        child = next(
            (
                c
                for name in wanted.get(target, ["other"])
                for c in pools[name]
                if c.id not in used and len(c.plans) < 20
            ),
            None,
        )
        if child is None:
            continue
        used.add(child.id)
        made_ids.append(_request(rng, ids, rows, child, target, people, today))
    return made_ids


def _request(rng, ids, rows, child, target, people, today) -> int:
    request_id = ids.take(ConferenceRequest)
    if target == State.CONVENED:
        # The conference that started the child's latest plan.
        conference_day = child.plans[-1][1]
        history = child.plans[:-1]
    elif target in OPEN_REQUEST_STATES:
        conference_day = today
        history = child.plans
    else:
        last_end = child.plans[-1][2]
        later = last_end + datetime.timedelta(days=rng.randint(60, 900))
        conference_day = min(today - datetime.timedelta(days=7), later)
        history = child.plans
    previous = count_previous_plans([plan[4].number_of_previous_plans for plan in history]).total
    steps = _walk(target, rng, third=previous >= 2)
    # Each step a few days after the one before; the open requests' last step within the last fortnight.
    spacing = [rng.randint(1, 4) for _ in range(len(steps) + 1)]
    if target in OPEN_REQUEST_STATES:
        first_day = today - datetime.timedelta(days=sum(spacing) + rng.randint(0, 10))
    else:
        first_day = conference_day - datetime.timedelta(days=sum(spacing))
    if history:
        first_day = max(first_day, history[-1][2] + datetime.timedelta(days=1))
    moments = []
    moment = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time(9, rng.randint(0, 59))))
    for gap in spacing:
        moments.append(moment)
        moment += datetime.timedelta(days=gap, minutes=rng.randint(0, 300))
    moments = [min(m, timezone.now()) for m in moments]
    worker, manager = people["worker"].pk, people["area.manager"].pk
    chair, hos = people["cp.chair"].pk, people["head.of.service"].pk
    taken = set(steps)
    passed_screening = "accept" in taken or "decline" in taken
    reached_screening = "proceed" in taken
    submitted_at = moments[1] if "submit" in taken else None
    trigger = any(plan[3] for plan in history)
    facts = {
        "reason": WORKER_FACTS["reason"],
        "strategy_discussion_date": first_day - datetime.timedelta(days=rng.randint(1, 5)),
        "proposed_categories": [_pick(rng, CATEGORIES)],
        "proposed_factors": sorted(set(rng.sample(demo.FACTORS, 2))),
        "sources_checked": [HistorySource.THIS_COUNCIL, HistorySource.OTHER_COUNCILS] if "submit" in taken else [],
        "prior_plan_checked_by_id": worker if "confirm_previous_plan" in taken else None,
        "prior_plan_checked_at": moments[2] if "confirm_previous_plan" in taken else None,
        "alternatives_considered": (
            [AlternativeRoute.PRE_PROCEEDINGS, AlternativeRoute.CHILD_IN_NEED]
            if {"proceed", "choose_alternative_route"} & taken
            else []
        ),
        "manager_rationale": (
            "Considered pre-proceedings and CIN planning; the new risks need multi-agency CP planning."
            if {"proceed", "choose_alternative_route"} & taken
            else ""
        ),
        "alternative_route": (rng.choice(AlternativeRoute.values) if "choose_alternative_route" in taken else ""),
        "manager_decided_by_id": manager if {"proceed", "choose_alternative_route"} & taken else None,
        "manager_decided_at": moments[3] if {"proceed", "choose_alternative_route"} & taken else None,
        "partners_informed_on": first_day if steps else None,
        "partners_informed_context": WORKER_FACTS["partners_informed_context"] if steps else "",
        "analysis_time_since": WORKER_FACTS["analysis_time_since"] if steps else "",
        "analysis_plan_length": WORKER_FACTS["analysis_plan_length"] if steps else "",
        "analysis_risks": WORKER_FACTS["analysis_risks"] if steps else "",
        "analysis_services": WORKER_FACTS["analysis_services"] if steps else "",
        "cp_chair_conversation": WORKER_FACTS["cp_chair_conversation"] if steps else "",
        "cp_chair_conversation_on": first_day if steps else None,
        "cp_manager_consultation": (
            "Discussed with the CP Manager." if passed_screening or (reached_screening and rng.random() < 0.5) else ""
        ),
        "cp_manager_consulted_by_id": chair if passed_screening else None,
        "screening_difference": "A plan brings the service the last plan lacked." if passed_screening else "",
        "screening_timescale_weeks": rng.choice([12, 16, 24]) if passed_screening else None,
        "screened_by_id": chair if passed_screening else None,
        "challenge_not_issued_reason": "",
        "head_of_service_grounds": ([HeadOfServiceGround.CIRCUMSTANCES_CHANGED] if "agree" in taken else []),
        "head_of_service_rationale": "A new partner with a violent history has moved in." if "agree" in taken else "",
        "head_of_service_decided_by_id": hos if {"agree", "refuse"} & taken else None,
        "decision_reason": (
            "Child in Need planning can meet the need." if {"decline", "refuse", "withdraw"} & taken else ""
        ),
        "returned_questions": "",
        "conference_held_on": conference_day if target == State.CONVENED else None,
    }
    services = rng.sample(demo.SERVICES, rng.randint(1, 2))
    if submitted_at:
        facts["assessed_at_submission"] = _assessed(history, facts, services, submitted_at, child)
    rows.add(
        ConferenceRequest,
        id=request_id,
        child_id=child.id,
        state=target,
        created_by_id=worker,
        created_at=moments[0],
        submitted_by_id=worker if submitted_at else None,
        submitted_at=submitted_at,
        stage_entered_at=moments[len(steps)],
        **facts,
    )
    for name in services:
        rows.add(
            ProposedService,
            id=ids.take(ProposedService),
            request_id=request_id,
            name=name,
            repeat_rationale="",
            expected_impact="",
            provision_gap="",
            gap_owner_id=None,
            gap_resolve_by=None,
            gap_caused_by_partner_agency=False,
        )
    if steps and rng.random() < 0.9:
        for sibling in child.siblings:
            rows.add(
                SiblingDecision,
                id=ids.take(SiblingDecision),
                request_id=request_id,
                sibling_id=sibling,
                include_in_conference=True,
                reason="Lives in the same household.",
            )
    if passed_screening and trigger and rng.random() < 0.85:
        issued = moments[4]
        resolved = target not in OPEN_REQUEST_STATES
        rows.add(
            Challenge,
            id=ids.take(Challenge),
            request_id=request_id,
            state=ChallengeState.RESOLVED if resolved else ChallengeState.ISSUED,
            triggers=[ChallengeTrigger.CORE_GROUP],
            challenge="The previous plan closed with core-group actions outstanding: what will be different?",
            issued_by_id=chair,
            issued_at=issued,
            response_due=issued.date() + datetime.timedelta(days=14),
            response="The core group now meets fortnightly with a named lead for each action." if resolved else "",
            responded_by_id=worker if resolved else None,
            responded_at=issued + datetime.timedelta(days=5) if resolved else None,
            resolution="Actions assigned and reviewed at the first core group." if resolved else "",
            closed_by_id=chair if resolved else None,
            closed_at=issued + datetime.timedelta(days=7) if resolved else None,
        )
    _trail(ids, rows, request_id, child.id, steps, moments, worker, manager, chair, hos, target)
    return request_id


def _assessed(history, facts, services, submitted_at, child) -> dict:
    """The assessment stored with a request when it is submitted, as transitions.submit stores it."""
    proposal = Proposal(
        categories=frozenset(facts["proposed_categories"]),
        factors=frozenset(facts["proposed_factors"]),
        services=frozenset(services),
    )
    try:
        on_date = timezone.localdate(submitted_at)
        return assess([plan[4] for plan in history], proposal, on_date, siblings=len(child.siblings)).to_dict()
    except AssessmentError:
        return {}


ACTORS = {
    "submit": "worker",
    "confirm_previous_plan": "worker",
    "proceed": "manager",
    "choose_alternative_route": "manager",
    "accept": "chair",
    "decline": "chair",
    "agree": "hos",
    "refuse": "hos",
    "record_conference": "chair",
    "withdraw": "worker",
}


def _trail(ids, rows, request_id, child_id, steps, moments, worker, manager, chair, hos, target):
    """The audit events the services would have written: the start, then one per transition."""
    who = {"worker": worker, "manager": manager, "chair": chair, "hos": hos}

    def event(at, actor, action, description, before, after):
        rows.add(
            AuditEvent,
            id=ids.take(AuditEvent),
            at=at,
            actor_id=actor,
            action=action,
            description=description,
            child_id=child_id,
            request_id=request_id,
            challenge_id=None,
            state_before=before,
            state_after=after,
            before={},
            after={},
        )

    event(moments[0], worker, START_REQUEST.event, "", "", State.DRAFT)
    state = State.DRAFT
    for index, name in enumerate(steps):
        action = ACTIONS[name]
        after = action.targets[0]
        if name == "accept":
            to_head_of_service = target == State.HEAD_OF_SERVICE_SIGNOFF or bool({"agree", "refuse"} & set(steps))
            after = State.HEAD_OF_SERVICE_SIGNOFF if to_head_of_service else State.READY_TO_CONVENE
        event(moments[index + 1], who[ACTORS[name]], action.event, action.trail, state, after)
        state = after


def _grant_team_and_area_access(cursor):
    """The object permissions the post_save signals grant, for every row made here, in one statement each."""
    for model, perms, child_column in (
        (ChildGroupObjectPermission, CHILD_PERMS, "content.id"),
        (ConferenceRequestGroupObjectPermission, REQUEST_PERMS, "content.child_id"),
    ):
        target = model._meta.get_field("content_object").related_model._meta.db_table
        codenames = [perm.split(".")[1] for perm in perms]
        permission_ids = list(Permission.objects.filter(codename__in=codenames).values_list("pk", flat=True))
        cursor.execute(
            f"""
            INSERT INTO {model._meta.db_table} (permission_id, group_id, content_object_id)
            SELECT permission.id, grp.id, content.id
            FROM {target} content
            JOIN cases_child child ON child.id = {child_column}
            JOIN cases_team team ON team.id = child.team_id
            JOIN auth_group grp ON grp.name IN ('team:' || team.id, 'area:' || team.service_area_id)
            CROSS JOIN (SELECT id FROM auth_permission WHERE id = ANY(%s)) permission
            ON CONFLICT DO NOTHING
            """,
            [permission_ids],
        )
