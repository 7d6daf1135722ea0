"""Each action is declared once (conferences/actions.py) and everything else reads the declaration:
the state machine, who may act, what is missing, the trail's words, the tags and the dashboards."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from audit.models import AuditEvent
from conferences import actions, records, stages, transitions
from conferences.actions import ACTIONS, CHALLENGE_STEPS, RECORDS, TRAIL_WORDS, action_in_words
from conferences.models import Challenge, ConferenceRequest
from conferences.stages import STAGES, ChallengeState, State
from conferences.views.wording import who_does
from people.roles import Role
from tests.conferences import journeys


def fsm(model):
    found = {}
    for transition in model._meta.get_field("state").get_all_transitions(model):
        found.setdefault(transition.name, set()).add((transition.source, transition.target))
    return found


def declared(action):
    targets = action.targets
    return {(source, target) for source in action.source for target in (targets if len(targets) == 1 else [None])}


def test_the_request_state_machine_is_the_declarations():
    machine = fsm(ConferenceRequest)
    assert set(machine) == set(ACTIONS)
    for name, action in ACTIONS.items():
        sources = {source for source, _ in machine[name]}
        assert sources == set(action.source), name
        if action.route is None:
            assert {target for _, target in machine[name]} == {action.target}, name


def test_the_challenge_state_machine_is_the_declarations():
    machine = fsm(Challenge)
    assert set(machine) == set(CHALLENGE_STEPS)
    for name, step in CHALLENGE_STEPS.items():
        assert machine[name] == {(source, step.target) for source in step.source}


def test_a_transition_is_taken_by_whoever_acts_at_its_stage_unless_it_names_someone():
    for action in ACTIONS.values():
        if action.by is None:
            assert {STAGES[state].acting for state in action.source} == {action.party}
    assert ACTIONS["withdraw"].party.roles > ACTIONS["submit"].party.roles  # managers may withdraw too
    assert ACTIONS["accept"].party.roles == {Role.CP_CHAIR}
    assert {name for name, action in ACTIONS.items() if action.approval} == {"proceed", "accept", "agree"}


def test_every_open_stage_has_someone_acting_and_every_closed_one_nobody():
    assert stages.OPEN_STATES == [
        State.DRAFT,
        State.PRIOR_PLAN_CHECK,
        State.MANAGER_DISCUSSION,
        State.CPC_SCREENING,
        State.HEAD_OF_SERVICE_SIGNOFF,
        State.READY_TO_CONVENE,
    ]
    assert stages.OPEN_CHALLENGE_STATES == [ChallengeState.ISSUED, ChallengeState.RESPONDED]
    assert ACTIONS["withdraw"].source == tuple(stages.OPEN_STATES)


def test_the_dashboards_follow_who_acts_at_each_stage():
    assert stages.QUEUES == {
        Role.AREA_MANAGER: [State.MANAGER_DISCUSSION],
        Role.SERVICE_MANAGER: [State.MANAGER_DISCUSSION],
        Role.CP_CHAIR: [State.CPC_SCREENING, State.READY_TO_CONVENE],
        Role.CP_MANAGER: [
            State.MANAGER_DISCUSSION,
            State.CPC_SCREENING,
            State.HEAD_OF_SERVICE_SIGNOFF,
            State.READY_TO_CONVENE,
        ],
        Role.HEAD_OF_SERVICE: [State.HEAD_OF_SERVICE_SIGNOFF],
        Role.TEAM_MANAGER: stages.OPEN_STATES,
    }
    assert stages.CHALLENGE_ROLES == {Role.CP_CHAIR, Role.CP_MANAGER, Role.TEAM_MANAGER}


def test_every_event_the_actions_write_has_its_words_in_the_trail(council):
    request = journeys.proceeded(
        council, journeys.child_with_plans(council, 1, core_group_actions_not_implemented=True)
    )
    issued = records.issue_challenge(
        request.pk,
        council.cp_chair,
        triggers=["core_group_actions_not_implemented"],
        challenge="Why?",
        response_due=timezone.localdate() + datetime.timedelta(days=7),
    )
    records.escalate_challenge(issued.pk, council.cp_chair, resolution="To the Head of Service.")
    transitions.withdraw(request.pk, council.social_worker, reason="The family moved away.")
    written = set(AuditEvent.objects.filter(request=request).values_list("action", flat=True))
    assert written <= set(TRAIL_WORDS)
    assert {"start_request", "submit", "confirm_previous_plan", "proceed", "issue_challenge", "withdraw"} <= written
    assert action_in_words("escalate_challenge") == "Escalated the challenge"
    assert action_in_words("accept") == ACTIONS["accept"].trail


def test_the_api_interface_lists_what_a_person_may_do_and_what_is_missing(council):
    request = journeys.checked(council, journeys.child_with_plans(council, 1))
    manager_may = [action.name for action in actions.available_to(council.area_manager, request)]
    assert manager_may == ["proceed", "choose_alternative_route", "withdraw"]
    assert ACTIONS["proceed"].available_for(council.area_manager, request)
    assert not ACTIONS["proceed"].available_for(council.social_worker, request)
    assert ACTIONS["proceed"].missing(request) == [
        "The Area or Service Manager must record the alternatives considered and the rationale."
    ]
    taken = ACTIONS["proceed"].take(
        request.pk, council.area_manager, alternatives_considered=["pre_proceedings"], rationale="Drug services."
    )
    assert taken.state == State.CPC_SCREENING


def test_who_records_each_step_is_the_declarations_party():
    assert who_does("manager_discussion") == "the Area or Service Manager"
    assert who_does("prior_plan_check") == "the child's team (social worker, practice lead or team manager)"
    assert who_does("cp_manager_consultation") == (
        "the CP chair (Child Protection Co-ordinator) or the Child Protection Manager"
    )
    assert RECORDS["screening"].by.roles == {Role.CP_CHAIR}


@pytest.mark.parametrize(
    "state, words, colour",
    [
        (State.CPC_SCREENING, "CP chair screening", "blue"),
        (State.CONVENED, "Conference held", "green"),
        (ChallengeState.ISSUED, "Issued, response due", "orange"),
        ("no_such_state", "no_such_state", "grey"),
    ],
)
def test_a_state_reads_the_same_everywhere(state, words, colour):
    html = Template('{% include "includes/tag.html" with state=state %}').render(Context({"state": state}))
    assert html.strip() == f'<strong class="govuk-tag govuk-tag--{colour}">{words}</strong>'
    if state in State.values:
        assert State(state).label == words
