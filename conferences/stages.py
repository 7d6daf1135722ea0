"""The stages of a request and of a challenge, and who acts at each: written once, read everywhere.

Each state has one label (its TextChoices label) and one tag colour. Each open stage names the
party who acts at it, and the rest follows from that one line: who may take the transitions that
leave it (conferences/permissions.py), whose dashboard shows it, who is told when a request enters
it and who is reminded while it waits (notifications/services.py), and who is told next when it is
overdue (`escalation`, nearest manager first).

A party is a group of people by the work they do: the roles that make it up (for permissions and
dashboards) and how to find its people for one request (for notifications).
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.db import models

from people.roles import AREA_ROLES, TEAM_ROLES, Role


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    PRIOR_PLAN_CHECK = "prior_plan_check", "Prior-plan check"
    MANAGER_DISCUSSION = "manager_discussion", "Manager discussion"
    CPC_SCREENING = "cpc_screening", "CP chair screening"
    HEAD_OF_SERVICE_SIGNOFF = "head_of_service_signoff", "Head of Service sign-off"
    READY_TO_CONVENE = "ready_to_convene", "Ready to convene"
    CONVENED = "convened", "Conference held"
    CLOSED_ALTERNATIVE_ROUTE = "closed_alternative_route", "Closed: alternative route"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ChallengeState(models.TextChoices):
    ISSUED = "issued", "Issued, response due"
    RESPONDED = "responded", "Responded"
    RESOLVED = "resolved", "Resolved"
    ESCALATED = "escalated", "Escalated"


class Told(StrEnum):
    """Why a person is told (notifications.models.Kind has the same values)."""

    ACTION_NEEDED = "action_needed"
    DECISION = "decision"
    INFORMATION = "information"


# --- Parties ----------------------------------------------------------------------------------


def _people(condition) -> list:
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(condition, is_active=True, staff__isnull=False).order_by("pk"))


def _in_area(area):
    """Area staff hold their area directly, or through their team when they have no area of their own."""
    from django.db.models import Q

    return Q(staff__service_area=area) | Q(staff__service_area__isnull=True, staff__team__service_area=area)


def _holders(role):
    def find(request, challenge=None) -> list:
        from django.db.models import Q

        return _people(Q(staff__role=role))

    return find


def _workers(request, challenge=None) -> list:
    """The worker who made the request: who submitted it, and who created it if someone else."""
    from django.contrib.auth import get_user_model

    ids = {request.created_by_id, request.submitted_by_id} - {None}
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _area_managers(request, challenge=None) -> list:
    """The Area and Service Managers of the service area of the child's team."""
    from django.db.models import Q

    team = request.child.team
    return _people(Q(staff__role__in=AREA_ROLES) & _in_area(team.service_area)) if team else []


def _service_managers(request, challenge=None) -> list:
    from django.db.models import Q

    team = request.child.team
    return _people(Q(staff__role=Role.SERVICE_MANAGER) & _in_area(team.service_area)) if team else []


def _team_managers(request, challenge=None) -> list:
    from django.db.models import Q

    team = request.child.team
    return _people(Q(staff__role=Role.TEAM_MANAGER, staff__team=team)) if team else []


def _issuing_chair(request, challenge=None) -> list:
    """The CP chair who issued the challenge; every CP chair once they have left."""
    if challenge is not None and challenge.issued_by.is_active:
        return [challenge.issued_by]
    return _holders(Role.CP_CHAIR)(request)


def _answering_team(request, challenge=None) -> list:
    """The child's team managers, and whoever answered the challenge if someone else."""
    answering = _team_managers(request)
    if challenge is not None and challenge.responded_by_id and challenge.responded_by not in answering:
        answering.append(challenge.responded_by)
    return answering


def roles_in_words(roles) -> str:
    """A set of roles as people: "the child's team", "the Area or Service Manager", "the CP chair"."""
    roles = set(roles)
    names = []
    if TEAM_ROLES <= roles:
        names.append("the child's team (social worker, practice lead or team manager)")
        roles -= TEAM_ROLES
    if AREA_ROLES <= roles:
        names.append("the Area or Service Manager")
        roles -= AREA_ROLES
    names += [f"the {Role(role).label}" for role in sorted(roles)]
    return " or ".join(names)


@dataclass(frozen=True)
class Party:
    """A group of people by what they do: the roles that make it up, and who they are for one request."""

    key: str
    roles: frozenset
    find: Callable  # (request, challenge=None) -> the people, for notifications and reminders
    dashboard: bool = True  # decides from a dashboard queue (case holders work from their caseload)

    @property
    def words(self) -> str:
        return roles_in_words(self.roles)

    def people(self, request, challenge=None) -> list:
        return self.find(request, challenge)


CASE_HOLDERS = Party("case_holders", frozenset(TEAM_ROLES), _workers, dashboard=False)
CASE_HOLDERS_OR_MANAGERS = Party("case_holders_or_managers", frozenset(TEAM_ROLES | AREA_ROLES), _workers, False)
CASE_HOLDERS_OR_CHAIR = Party("case_holders_or_chair", frozenset(TEAM_ROLES | {Role.CP_CHAIR}), _workers, False)
AREA_MANAGERS = Party("area_managers", frozenset(AREA_ROLES), _area_managers)
SERVICE_MANAGERS = Party("service_managers", frozenset({Role.SERVICE_MANAGER}), _service_managers)
TEAM_MANAGERS = Party("team_managers", frozenset({Role.TEAM_MANAGER}), _team_managers)
ANSWERING_TEAM = Party("answering_team", frozenset({Role.TEAM_MANAGER}), _answering_team)
CP_CHAIRS = Party("cp_chairs", frozenset({Role.CP_CHAIR}), _holders(Role.CP_CHAIR))
ISSUING_CHAIR = Party("issuing_chair", frozenset({Role.CP_CHAIR}), _issuing_chair)
CP_MANAGERS = Party("cp_managers", frozenset({Role.CP_MANAGER}), _holders(Role.CP_MANAGER))
CHAIR_OR_CP_MANAGER = Party("chair_or_cp_manager", frozenset({Role.CP_CHAIR, Role.CP_MANAGER}), _holders(Role.CP_CHAIR))
HEADS_OF_SERVICE = Party("heads_of_service", frozenset({Role.HEAD_OF_SERVICE}), _holders(Role.HEAD_OF_SERVICE))


# --- Stages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """One state: its tag colour, and who acts at it, oversees it, and is told of it."""

    state: str
    colour: str
    acting: Party | None = None  # takes the stage's transitions and is reminded while it waits; None: closed
    escalation: tuple[Party, ...] = ()  # told when it is overdue, nearest manager first
    # watch the stage from their dashboard without acting at it (team managers: their team's requests)
    overseen_by: tuple[Party, ...] = ()
    told_on_entry: str = ""  # what the acting party is told when it starts (blank: nobody is told)
    close_scrutiny_told: Party | None = None  # told for information on entry when close scrutiny applies (R14)
    timescale: int | None = None  # default local working days (settings.GATEKEEPING_TIMESCALES overrides)

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def is_open(self) -> bool:
        return self.acting is not None


_CASE_HOLDER_CHAIN = (TEAM_MANAGERS, SERVICE_MANAGERS, HEADS_OF_SERVICE)
_CHAIR_CHAIN = (CP_MANAGERS, HEADS_OF_SERVICE)

STAGES: dict[str, Stage] = {
    stage.state: stage
    for stage in (
        Stage(State.DRAFT, "grey", CASE_HOLDERS, _CASE_HOLDER_CHAIN, overseen_by=(TEAM_MANAGERS,)),
        Stage(State.PRIOR_PLAN_CHECK, "light-blue", CASE_HOLDERS, _CASE_HOLDER_CHAIN, overseen_by=(TEAM_MANAGERS,)),
        Stage(
            State.MANAGER_DISCUSSION,
            "purple",
            AREA_MANAGERS,
            (HEADS_OF_SERVICE,),
            overseen_by=(CP_MANAGERS, TEAM_MANAGERS),
            told_on_entry="needs your manager discussion: the child has had a CP plan before. Record the "
            "alternatives considered and your rationale",
            timescale=2,
        ),
        Stage(
            State.CPC_SCREENING,
            "blue",
            CP_CHAIRS,
            _CHAIR_CHAIN,
            overseen_by=(CP_MANAGERS, TEAM_MANAGERS),
            told_on_entry="is ready for CP chair screening",
            close_scrutiny_told=CP_MANAGERS,
            timescale=2,
        ),
        Stage(
            State.HEAD_OF_SERVICE_SIGNOFF,
            "pink",
            HEADS_OF_SERVICE,
            overseen_by=(CP_MANAGERS, TEAM_MANAGERS),
            told_on_entry="is a third or later plan and needs the Head of Service's agreement or refusal",
            timescale=2,
        ),
        Stage(State.READY_TO_CONVENE, "turquoise", CP_CHAIRS, _CHAIR_CHAIN, overseen_by=(CP_MANAGERS, TEAM_MANAGERS)),
        Stage(State.CONVENED, "green"),
        Stage(State.CLOSED_ALTERNATIVE_ROUTE, "grey"),
        Stage(State.DECLINED, "red"),
        Stage(State.WITHDRAWN, "grey"),
    )
}

# A challenge's clocks run from the day it was issued; its response date is the chair's to set.
CHALLENGE_STAGES: dict[str, Stage] = {
    stage.state: stage
    for stage in (
        Stage(
            ChallengeState.ISSUED,
            "orange",
            TEAM_MANAGERS,
            (SERVICE_MANAGERS, HEADS_OF_SERVICE),
            overseen_by=(CP_MANAGERS,),
            told_on_entry="needs the team manager's response by {response}",
        ),
        Stage(
            ChallengeState.RESPONDED,
            "blue",
            ISSUING_CHAIR,
            _CHAIR_CHAIN,
            overseen_by=(CP_MANAGERS,),
            told_on_entry="has a response. Resolve or escalate it by {resolution}",
        ),
        Stage(ChallengeState.RESOLVED, "green"),
        Stage(ChallengeState.ESCALATED, "red"),
    )
}

OPEN_STATES = [state for state, stage in STAGES.items() if stage.is_open]
OPEN_CHALLENGE_STATES = [state for state, stage in CHALLENGE_STAGES.items() if stage.is_open]


def _queues() -> dict[str, list[str]]:
    queues: dict[str, list[str]] = {}
    for stage in STAGES.values():
        if not stage.is_open:
            continue
        parties = [stage.acting, *stage.overseen_by] if stage.acting.dashboard else list(stage.overseen_by)
        for role in sorted({role for party in parties for role in party.roles}):
            queues.setdefault(Role(role), []).append(stage.state)
    return queues


# Each role's dashboard queue: the stages where it acts or oversees, in the order of the work.
QUEUES = _queues()


def queue_title(role) -> str:
    """What a role's dashboard is: team managers watch their team's requests; everyone else decides."""
    return "Your team's requests" if role == Role.TEAM_MANAGER else "Your decisions"


# Who sees open challenges on their dashboard: those who answer, close or oversee them.
CHALLENGE_ROLES = frozenset(
    role
    for stage in CHALLENGE_STAGES.values()
    if stage.is_open
    for party in (stage.acting, *stage.overseen_by)
    for role in party.roles
)


def stage_of(state: str) -> Stage | None:
    """The stage of a request's or a challenge's state (the two sets of values never overlap)."""
    return STAGES.get(state) or CHALLENGE_STAGES.get(state)


def label_of(state: str) -> str:
    stage = stage_of(state)
    return stage.label if stage else state


def colour_of(state: str) -> str:
    stage = stage_of(state)
    return stage.colour if stage else "grey"
