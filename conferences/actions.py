"""Every action on a conference request or a challenge, declared once.

A declaration says what the action is (its name, which is also its event name in the trail), where
it goes (source and target states), who may take it, what it needs, how it reads (on the page that
offers it, on its button, in the banner after it and, in the past tense, in the trail) and who is
told. Everything else reads these:

- the state machine (conferences/models.py) builds its transitions, conditions and permission hooks
  from `ACTIONS` and `CHALLENGE_STEPS`;
- conferences/permissions.py asks `by` and `approval`, conferences/requirements.py `needs`, `checks`
  and `history_needs`; conferences/transitions.py and records.py write `event`;
- the pages take their forms, buttons, banners and trail words from here, and notifications/services.py
  whom to tell and in what words;
- the API lists `ACTIONS`, and for one request asks `available_for(user, request)` and
  `missing(request)` of each.

Who acts at each stage is not repeated here: a transition is taken by whoever acts at its source stage
(conferences/stages.py) unless its declaration names someone else (`by`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from conferences import assessment as steps
from conferences import requirements as needs
from conferences.stages import (
    ANSWERING_TEAM,
    CASE_HOLDERS,
    CASE_HOLDERS_OR_CHAIR,
    CASE_HOLDERS_OR_MANAGERS,
    CHAIR_OR_CP_MANAGER,
    CHALLENGE_STAGES,
    CP_CHAIRS,
    HEADS_OF_SERVICE,
    STAGES,
    ChallengeState,
    Party,
    State,
    Told,
)
from people.roles import Role


@dataclass(frozen=True)
class Tell:
    """Who is told of an action besides the people who act at the stage it enters, why, and what they read."""

    party: Party
    why: Told
    text: str


def told_worker(text: str) -> tuple[Tell, ...]:
    """The worker who asked for the request is told of a decision on it."""
    return (Tell(CASE_HOLDERS, Told.DECISION, text),)


@dataclass(frozen=True)
class Transition:
    """One transition of the request's state machine (DESIGN.md section 4)."""

    name: str  # the FSM method, the service, the form's `action` and the trail's event name
    source: tuple[str, ...]
    target: str | tuple[str, ...]  # several: `route` picks one from the service's arguments
    trail: str  # in the trail, past tense
    done: str  # the banner once it is taken
    offer: str = ""  # in the request page's "what you can do now"; blank: the page has its own button
    title: str = ""  # the heading of its form
    button: str = ""  # the label of its button
    warning: bool = False  # a warning button: it ends the request or turns it down
    by: Party | None = None  # who may take it; None: whoever acts at the source stage
    approval: bool = False  # never taken by the person who made the request
    needs: tuple[Callable, ...] = ()  # facts it needs, each returning what is missing
    history_needs: tuple[Callable, ...] = ()  # what it needs of the assessed history
    checks: tuple[str, ...] = ()  # the assessment's steps it checks, where the assessment requires them
    records_steps: tuple[str, ...] = ()  # the assessment's steps taking it records
    tells: tuple[Tell, ...] = ()  # told besides the people who act at the stage entered
    route: Callable | None = None  # for several targets: the target, from the service's arguments
    service: str = ""  # the function in conferences/transitions.py that takes it (default: `name`)
    # Held back while the child's history has changed since submission and the check is not confirmed again.
    waits_for_history_check: bool = True
    offered_when: Callable | None = None  # offered only on requests for which this holds

    @property
    def event(self) -> str:
        return self.name

    @property
    def sources(self) -> tuple[str, ...]:
        return self.source

    @property
    def targets(self) -> tuple[str, ...]:
        return self.target if isinstance(self.target, tuple) else (self.target,)

    @property
    def party(self) -> Party:
        if self.by is not None:
            return self.by
        (acting,) = {STAGES[state].acting for state in self.source}
        return acting

    def refusal(self, user, request) -> str | None:
        """Why this person may not take it on this request, or None (whatever stage the request is at)."""
        from conferences.permissions import transition_refusal

        return transition_refusal(user, request, self.name)

    def available_for(self, user, request) -> bool:
        """Offered to this person now: the request is at a source stage and they may take it."""
        offered = self.offered_when is None or self.offered_when(request)
        return request.state in self.source and offered and self.refusal(user, request) is None

    def missing(self, request) -> list[str]:
        """Every fact still missing before it may happen; empty when it may."""
        missing = needs.history_checked_since_it_changed(request) if self.waits_for_history_check else []
        missing += [problem for need in self.needs for problem in need(request)]
        if self.checks or self.history_needs:
            missing += needs.missing_in_steps(request, self.checks, self.history_needs)
        # The manager discussion (R2) and the Service Manager's rationale (R8) are one record: say it once.
        return list(dict.fromkeys(missing))

    def take(self, request_id, user, **kwargs):
        """Take it through its service (conferences/transitions.py): lock, check, record, trail."""
        from conferences import transitions

        return getattr(transitions, self.service or self.name)(request_id, user, **kwargs)


_SCREENING_CHECKS = (
    steps.PARTNERS_INFORMED,
    steps.REPEAT_ANALYSIS,
    steps.REPEATED_SERVICE_RATIONALE,
    steps.SIBLING_CONSIDERATION,
    steps.CP_CHAIR_CONVERSATION,
    steps.CP_MANAGER_CONSULTATION,
    steps.CPC_SCREENING,
    steps.CHALLENGE_AND_RESOLUTION,
)


def _after_screening(assessment) -> str:
    """A third or later plan goes to the Head of Service (R10); a second is ready to convene."""
    if steps.HEAD_OF_SERVICE_SIGNOFF in assessment.required_steps:
        return State.HEAD_OF_SERVICE_SIGNOFF
    return State.READY_TO_CONVENE


def _after_history_check(request, assessment) -> str:
    """Where a request goes once the prior-plan check is confirmed again after its history changed.

    It stays where it is, unless it is ready to convene on a path the stricter assessment no longer
    allows: a repeat that never had the manager discussion goes to it, and a third or later plan that
    the Head of Service has not agreed goes to them. A sign-off already given is kept.
    """
    if request.state == State.READY_TO_CONVENE:
        if assessment.is_repeat and not request.manager_decided_by_id:
            return State.MANAGER_DISCUSSION
        if steps.HEAD_OF_SERVICE_SIGNOFF in assessment.required_steps and not request.head_of_service_decided_by_id:
            return State.HEAD_OF_SERVICE_SIGNOFF
    return request.state


# The open stages after the prior-plan check: where a change to the history holds a request up.
_CHECKED_STATES = (
    State.MANAGER_DISCUSSION,
    State.CPC_SCREENING,
    State.HEAD_OF_SERVICE_SIGNOFF,
    State.READY_TO_CONVENE,
)

SUBMIT = Transition(
    "submit",
    (State.DRAFT,),
    State.PRIOR_PLAN_CHECK,
    trail="Submitted the request",
    done="The request has been submitted. Next: the prior-plan check.",
    needs=(needs.proposal_complete,),
    waits_for_history_check=False,
)
CONFIRM_PREVIOUS_PLAN = Transition(
    "confirm_previous_plan",
    (State.PRIOR_PLAN_CHECK,),
    State.MANAGER_DISCUSSION,
    trail="Confirmed the prior-plan check: previous plan on record",
    done="The prior-plan check has been confirmed.",
    history_needs=(needs.history_shows_a_previous_plan,),
    checks=(steps.PRIOR_PLAN_CHECK,),
    records_steps=(steps.PRIOR_PLAN_CHECK,),
    service="confirm_prior_plan_check",
    waits_for_history_check=False,
)
CONFIRM_NO_PREVIOUS_PLAN = Transition(
    "confirm_no_previous_plan",
    (State.PRIOR_PLAN_CHECK,),
    State.READY_TO_CONVENE,
    trail="Confirmed the prior-plan check: no previous plan",
    done="The prior-plan check has been confirmed.",
    history_needs=(needs.history_shows_no_previous_plan,),
    checks=(steps.PRIOR_PLAN_CHECK, steps.SIBLING_CONSIDERATION),
    tells=told_worker("had its prior-plan check confirmed: no previous CP plan was found"),
    service="confirm_prior_plan_check",
    waits_for_history_check=False,
)
RECONFIRM_PRIOR_PLAN_CHECK = Transition(
    "reconfirm_prior_plan_check",
    _CHECKED_STATES,
    _CHECKED_STATES,
    trail="Confirmed the prior-plan check again after the child's history changed",
    done="The prior-plan check has been confirmed again on the child's history as it is now.",
    by=CP_CHAIRS,
    checks=(steps.PRIOR_PLAN_CHECK,),
    tells=told_worker("had its prior-plan check confirmed again after the child's CP plan history changed"),
    route=_after_history_check,
    service="confirm_prior_plan_check",
    waits_for_history_check=False,
    offered_when=lambda request: request.history_changed_at is not None,
)
PROCEED = Transition(
    "proceed",
    (State.MANAGER_DISCUSSION,),
    State.CPC_SCREENING,
    trail="Agreed that the request goes to CP chair screening",
    done="The request goes to CP chair screening.",
    offer="Agree that the request goes to CP chair screening",
    title="Another child protection plan: proceed to screening",
    button="Proceed to CP chair screening",
    approval=True,
    checks=(steps.MANAGER_DISCUSSION, steps.SERVICE_MANAGER_RATIONALE),
    records_steps=(steps.MANAGER_DISCUSSION, steps.SERVICE_MANAGER_RATIONALE),
    tells=told_worker("went forward after the manager discussion"),
)
CHOOSE_ALTERNATIVE_ROUTE = Transition(
    "choose_alternative_route",
    (State.MANAGER_DISCUSSION,),
    State.CLOSED_ALTERNATIVE_ROUTE,
    trail="Chose an alternative route",
    done="The request is closed: an alternative route was chosen.",
    offer="Choose an alternative route (legal planning, pre-proceedings, Child in Need)",
    title="Choose an alternative route",
    button="Close the request: alternative route",
    needs=(needs.route_and_rationale_given,),
    tells=told_worker("was closed: the manager chose an alternative route"),
)
ACCEPT = Transition(
    "accept",
    (State.CPC_SCREENING,),
    (State.READY_TO_CONVENE, State.HEAD_OF_SERVICE_SIGNOFF),
    trail="Accepted the request",
    done="The request is accepted.",
    offer="Accept the request",
    title="Accept the request",
    button="Accept the request",
    approval=True,
    checks=_SCREENING_CHECKS,
    tells=told_worker("was accepted by the CP chair"),
    route=_after_screening,
)
RETURN_FOR_INFORMATION = Transition(
    "return_for_information",
    (State.CPC_SCREENING,),
    State.DRAFT,
    trail="Returned the request for more information",
    done="The request is returned to the worker with your questions.",
    offer="Return the request to the worker with questions",
    title="Return the request for more information",
    button="Return to the worker",
    needs=(needs.questions_written,),
    waits_for_history_check=False,
    tells=told_worker("was returned to you for more information"),
)
DECLINE = Transition(
    "decline",
    (State.CPC_SCREENING,),
    State.DECLINED,
    trail="Declined the request",
    done="The request is declined.",
    offer="Decline the request",
    title="Decline the request",
    button="Decline the request",
    warning=True,
    needs=(needs.reason_given,),
    tells=told_worker("was declined by the CP chair"),
)
AGREE = Transition(
    "agree",
    (State.HEAD_OF_SERVICE_SIGNOFF,),
    State.READY_TO_CONVENE,
    trail="Agreed a further plan (Head of Service)",
    done="The further plan is agreed.",
    offer="Agree a further plan",
    title="Agree a third or later plan (R10)",
    button="Agree the plan",
    approval=True,
    checks=(steps.HEAD_OF_SERVICE_SIGNOFF,),
    records_steps=(steps.HEAD_OF_SERVICE_SIGNOFF,),
    tells=told_worker("was agreed by the Head of Service"),
)
REFUSE = Transition(
    "refuse",
    (State.HEAD_OF_SERVICE_SIGNOFF,),
    State.DECLINED,
    trail="Refused a further plan (Head of Service)",
    done="The further plan is refused.",
    offer="Refuse a further plan",
    title="Refuse a third or later plan",
    button="Refuse the plan",
    warning=True,
    needs=(needs.reason_given,),
    tells=told_worker("was refused by the Head of Service"),
)
RECORD_CONFERENCE = Transition(
    "record_conference",
    (State.READY_TO_CONVENE,),
    State.CONVENED,
    trail="Recorded the conference and its outcome",
    done="The conference and its outcome are recorded.",
    offer="Record the conference and its outcome",
    title="Record the conference and its outcome",
    button="Record the conference",
    needs=(needs.conference_outcome_given,),
    tells=told_worker("has its conference and its outcome recorded"),
)
WITHDRAW = Transition(
    "withdraw",
    tuple(state for state, stage in STAGES.items() if stage.is_open),
    State.WITHDRAWN,
    trail="Withdrew the request",
    done="The request is withdrawn.",
    title="Withdraw the request",
    button="Withdraw the request",
    warning=True,
    by=CASE_HOLDERS_OR_MANAGERS,
    needs=(needs.reason_given,),
    tells=told_worker("was withdrawn"),
    waits_for_history_check=False,
)

# The request's transitions by name, in the order the decision page offers them.
ACTIONS: dict[str, Transition] = {
    action.name: action
    for action in (
        SUBMIT,
        CONFIRM_PREVIOUS_PLAN,
        CONFIRM_NO_PREVIOUS_PLAN,
        RECONFIRM_PRIOR_PLAN_CHECK,
        PROCEED,
        CHOOSE_ALTERNATIVE_ROUTE,
        ACCEPT,
        RETURN_FOR_INFORMATION,
        DECLINE,
        AGREE,
        REFUSE,
        RECORD_CONFERENCE,
        WITHDRAW,
    )
}


# --- Records: facts written on a request without moving it ------------------------------------


@dataclass(frozen=True)
class Record:
    """Facts a request needs, recorded by `by` while the request is at one of `states`."""

    name: str  # the key the pages and permissions use
    event: str  # the trail's event name
    trail: str
    by: Party
    states: frozenset[str]
    done: str = ""  # the banner on the decision page
    title: str = ""
    button: str = ""
    records_steps: tuple[str, ...] = ()
    tells: tuple[Tell, ...] = ()
    opens: str = ""  # the challenge state it opens (issuing a challenge)
    service: str = ""  # the function in conferences/records.py that records it
    offered_on: str = ""  # recorded instead of another record, from that one's task (its name): no task of its own
    offered_when: Callable | None = None  # offered there only on requests for which this holds

    def refusal(self, user, request) -> str | None:
        from conferences.permissions import record_refusal

        return record_refusal(user, request, self.name)

    def take(self, request_id, user, **kwargs):
        from conferences import records

        return getattr(records, self.service)(request_id, user, **kwargs)


# What a case holder may write, and when: the proposal only while drafting, the rest until screening ends.
CASE_HOLDER_EDIT_STATES = frozenset(
    {State.DRAFT, State.PRIOR_PLAN_CHECK, State.MANAGER_DISCUSSION, State.CPC_SCREENING}
)

START_REQUEST = Record("start_request", "start_request", "Started the request", CASE_HOLDERS, frozenset())
PROPOSAL = Record(
    "proposal",
    "record_proposal",
    "Changed the proposal",
    CASE_HOLDERS,
    frozenset({State.DRAFT}),
    service="update_proposal",
)
PROPOSED_SERVICES = Record(
    "proposed_services",
    "record_proposed_services",
    "Changed the proposed services",
    CASE_HOLDERS,
    PROPOSAL.states,
    service="set_proposed_services",
)
PARTNERS_INFORMED = Record(
    "partners_informed",
    "record_partners_informed",
    "Recorded that partners were told of the previous plan",
    CASE_HOLDERS,
    CASE_HOLDER_EDIT_STATES,
    records_steps=(steps.PARTNERS_INFORMED,),
    service="record_partners_informed",
)
ANALYSIS = Record(
    "analysis",
    "record_analysis",
    "Changed the repeat-plan analysis",
    CASE_HOLDERS,
    CASE_HOLDER_EDIT_STATES,
    records_steps=(steps.REPEAT_ANALYSIS,),
    service="record_analysis",
)
SERVICE_RATIONALE = Record(
    "service_rationale",
    "record_service_rationale",
    "Recorded the rationale for a repeated service",
    CASE_HOLDERS,
    CASE_HOLDER_EDIT_STATES,
    records_steps=(steps.REPEATED_SERVICE_RATIONALE,),
    service="record_service_rationale",
)
SIBLING_DECISION = Record(
    "sibling_decision",
    "record_sibling_decision",
    "Recorded a sibling decision",
    CASE_HOLDERS,
    CASE_HOLDER_EDIT_STATES,
    records_steps=(steps.SIBLING_CONSIDERATION,),
    service="record_sibling_decision",
)
CP_CHAIR_CONVERSATION = Record(
    "cp_chair_conversation",
    "record_cp_chair_conversation",
    "Recorded the conversation with the CP chair",
    CASE_HOLDERS_OR_CHAIR,
    CASE_HOLDER_EDIT_STATES,
    done="The conversation with the CP chair is saved.",
    title="Conversation with the CP chair (R13)",
    button="Save the conversation",
    records_steps=(steps.CP_CHAIR_CONVERSATION,),
    service="record_cp_chair_conversation",
)
SCREENING = Record(
    "screening",
    "record_screening",
    "Recorded the screening discussion",
    CP_CHAIRS,
    frozenset({State.CPC_SCREENING}),
    done="The screening record is saved.",
    title="Screening record (R9)",
    button="Save the screening record",
    records_steps=(steps.CPC_SCREENING,),
    service="record_screening",
)
CP_MANAGER_CONSULTATION = Record(
    "cp_manager_consultation",
    "record_cp_manager_consultation",
    "Recorded the CP Manager consultation",
    CHAIR_OR_CP_MANAGER,
    frozenset({State.MANAGER_DISCUSSION, State.CPC_SCREENING, State.HEAD_OF_SERVICE_SIGNOFF}),
    done="The CP Manager consultation is saved.",
    title="Consultation with the CP Manager (R14)",
    button="Save the consultation",
    records_steps=(steps.CP_MANAGER_CONSULTATION,),
    service="record_cp_manager_consultation",
)
ISSUE_CHALLENGE = Record(
    "issue_challenge",
    "issue_challenge",
    "Issued a challenge and resolution",
    CP_CHAIRS,
    frozenset({State.CPC_SCREENING, State.HEAD_OF_SERVICE_SIGNOFF, State.READY_TO_CONVENE}),
    done="The challenge and resolution is issued.",
    title="Issue a challenge and resolution (R11)",
    button="Issue the challenge",
    records_steps=(steps.CHALLENGE_AND_RESOLUTION,),
    opens=ChallengeState.ISSUED,
    service="issue_challenge",
)
CHALLENGE_NOT_ISSUED = Record(
    "challenge_not_issued",
    "record_challenge_not_issued",
    "Recorded why no challenge and resolution is issued",
    CP_CHAIRS,
    ISSUE_CHALLENGE.states,
    done="Why no challenge and resolution is issued is saved.",
    title="Why no challenge and resolution is issued",
    button="Save the reason",
    records_steps=(steps.CHALLENGE_AND_RESOLUTION,),
    service="record_challenge_not_issued",
    offered_on=ISSUE_CHALLENGE.name,
    offered_when=needs.why_no_challenge_asked,
)

# Records by name; the decision page lists those it has a form for as tasks, in this order.
RECORDS: dict[str, Record] = {
    record.name: record
    for record in (
        START_REQUEST,
        PROPOSAL,
        PROPOSED_SERVICES,
        PARTNERS_INFORMED,
        ANALYSIS,
        SERVICE_RATIONALE,
        SIBLING_DECISION,
        SCREENING,
        CP_MANAGER_CONSULTATION,
        ISSUE_CHALLENGE,
        CHALLENGE_NOT_ISSUED,
        CP_CHAIR_CONVERSATION,
    )
}


# --- The challenge's own lifecycle (R11) --------------------------------------------------------


@dataclass(frozen=True)
class ChallengeStep:
    """One step of a challenge's lifecycle: it writes `text_field` and stamps who closed it and when."""

    name: str
    source: tuple[str, ...]
    target: str
    event: str
    trail: str
    done: str
    title: str
    button: str
    past: str  # "it cannot be <past> now"
    text_field: str
    text_needed: str
    stamp_by: str
    stamp_at: str
    warning: bool = False
    by: Party | None = None  # None: whoever acts at the source stage
    tells: tuple[Tell, ...] = field(default=())
    service: str = ""  # the function in conferences/records.py that takes it

    @property
    def party(self) -> Party:
        if self.by is not None:
            return self.by
        (acting,) = {CHALLENGE_STAGES[state].acting for state in self.source}
        return acting

    def take(self, challenge_id, user, **kwargs):
        from conferences import records

        return getattr(records, self.service)(challenge_id, user, **kwargs)


RESPOND = ChallengeStep(
    "respond",
    (ChallengeState.ISSUED,),
    ChallengeState.RESPONDED,
    event="respond_challenge",
    trail="Responded to the challenge",
    done="Your response is sent.",
    title="Respond to the challenge",
    button="Send the response",
    past="answered",
    text_field="response",
    text_needed="Write the response.",
    stamp_by="responded_by",
    stamp_at="responded_at",
    service="respond_to_challenge",
)
RESOLVE = ChallengeStep(
    "resolve",
    (ChallengeState.RESPONDED,),
    ChallengeState.RESOLVED,
    event="resolve_challenge",
    trail="Resolved the challenge",
    done="The challenge is resolved.",
    title="Resolve the challenge",
    button="Resolve the challenge",
    past="resolved",
    text_field="resolution",
    text_needed="Write the resolution.",
    stamp_by="closed_by",
    stamp_at="closed_at",
    tells=(Tell(ANSWERING_TEAM, Told.DECISION, "was resolved"),),
    service="resolve_challenge",
)
ESCALATE = ChallengeStep(
    "escalate",
    (ChallengeState.ISSUED, ChallengeState.RESPONDED),
    ChallengeState.ESCALATED,
    event="escalate_challenge",
    trail="Escalated the challenge",
    done="The challenge is escalated.",
    title="Escalate the challenge",
    button="Escalate the challenge",
    past="escalated",
    text_field="resolution",
    text_needed="Write the resolution.",
    stamp_by="closed_by",
    stamp_at="closed_at",
    warning=True,
    by=CP_CHAIRS,
    tells=(
        Tell(ANSWERING_TEAM, Told.DECISION, "was escalated"),
        Tell(HEADS_OF_SERVICE, Told.INFORMATION, "was escalated"),
    ),
    service="escalate_challenge",
)

CHALLENGE_STEPS: dict[str, ChallengeStep] = {step.name: step for step in (RESPOND, RESOLVE, ESCALATE)}


# --- Corrections: a recorded fact or date put right afterwards, with a reason -------------------


@dataclass(frozen=True)
class Correction:
    """A fact recorded on a request, corrected later by the manager of whoever recorded it or by the
    data manager, at any stage, always with a reason; the page shows the original beside the correction."""

    name: str  # the page's slug and the key the permissions use
    fields: tuple[str, ...]  # the request's fields it corrects
    roles: frozenset[str]  # who may correct it
    title: str

    @property
    def event(self) -> str:
        return f"correct_{self.name}"

    @property
    def trail(self) -> str:
        return f"Corrected the {self.title[0].lower()}{self.title[1:]}"

    def refusal(self, user, request) -> str | None:
        from conferences.permissions import correction_refusal

        return correction_refusal(user, request, self.name)

    def take(self, request_id, user, **kwargs):
        from conferences import corrections

        return corrections.correct_request(request_id, user, self.name, **kwargs)


CORRECTIONS: dict[str, Correction] = {
    correction.name: correction
    for correction in (
        Correction(
            "analysis",
            ("analysis_time_since", "analysis_plan_length", "analysis_risks", "analysis_services"),
            frozenset({Role.TEAM_MANAGER, Role.AREA_MANAGER, Role.SERVICE_MANAGER, Role.DATA_MANAGER}),
            "Repeat-plan analysis",
        ),
        Correction(
            "screening",
            ("screening_difference", "screening_timescale_weeks"),
            frozenset({Role.CP_MANAGER, Role.DATA_MANAGER}),
            "Screening record",
        ),
        Correction(
            "cp_manager_consultation",
            ("cp_manager_consultation",),
            frozenset({Role.CP_MANAGER, Role.HEAD_OF_SERVICE, Role.DATA_MANAGER}),
            "CP Manager consultation",
        ),
        Correction(
            "conference_date",
            ("conference_held_on",),
            frozenset({Role.CP_MANAGER, Role.DATA_MANAGER}),
            "Date the conference was held",
        ),
    )
}


# --- What happens to a request from outside it ------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """Something that happens to a request without anyone acting on it: written to the trail under
    `event`, and told to whoever acts at the request's stage now (for information) and to `tells`."""

    event: str
    trail: str
    tells: tuple[Tell, ...] = ()


HISTORY_CHANGED = Notice(
    "history_changed",
    "The child's CP plan history changed after the request was submitted",
    tells=(
        Tell(
            CP_CHAIRS,
            Told.ACTION_NEEDED,
            "is on hold: the child's CP plan history changed after it was "
            "submitted. Confirm the prior-plan check again",
        ),
        Tell(
            CASE_HOLDERS,
            Told.INFORMATION,
            "is on hold: the child's CP plan history changed after it was "
            "submitted, and a CP chair must confirm the prior-plan check again",
        ),
    ),
)

NOTICES: dict[str, Notice] = {notice.event: notice for notice in (HISTORY_CHANGED,)}


# --- Read by the trail and the notifications ---------------------------------------------------

# Every event an action writes, in words (past tense) for the trail.
TRAIL_WORDS: dict[str, str] = {
    **{action.event: action.trail for action in ACTIONS.values()},
    **{record.event: record.trail for record in RECORDS.values()},
    **{step.event: step.trail for step in CHALLENGE_STEPS.values()},
    **{notice.event: notice.trail for notice in NOTICES.values()},
    **{correction.event: correction.trail for correction in CORRECTIONS.values()},
}


def action_in_words(event: str) -> str:
    """A trail event in words, as its action's declaration says it."""
    return TRAIL_WORDS.get(event) or event.replace("_", " ").capitalize()


# The events that tell people: every transition, and every step of a challenge from its issue on.
REQUEST_EVENTS = frozenset(action.event for action in ACTIONS.values())
CHALLENGE_EVENTS = frozenset(
    [*(record.event for record in RECORDS.values() if record.opens), *(s.event for s in CHALLENGE_STEPS.values())]
)
NOTICE_EVENTS = frozenset(NOTICES)
NOTIFIED_EVENTS = REQUEST_EVENTS | CHALLENGE_EVENTS | NOTICE_EVENTS


def declaration_of(event: str):
    """The transition, record or challenge step that writes `event`."""
    for declared in (*ACTIONS.values(), *RECORDS.values(), *CHALLENGE_STEPS.values(), *NOTICES.values()):
        if declared.event == event:
            return declared
    return None


def available_to(user, request) -> list[Transition]:
    """The transitions this person may take on this request now (whether or not all facts are in yet)."""
    return [action for action in ACTIONS.values() if action.available_for(user, request)]


def who_records(step: str) -> Party | None:
    """Who records one of the assessment's steps: the party of the action that records it."""
    for declared in (*ACTIONS.values(), *RECORDS.values()):
        if step in declared.records_steps:
            return declared.party if isinstance(declared, Transition) else declared.by
    return None
