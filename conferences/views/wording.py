"""How the request pages say things: step and action names in words, and who does each step.

Who does a step is read from conferences/permissions.py (the roles allowed to record that fact or
take that transition), so this module names people but never decides who may act.
"""

from conferences import assessment as steps
from conferences.permissions import RECORD_RULES, TRANSITION_ROLES
from people.roles import AREA_ROLES, TEAM_ROLES, Role

STEP_TITLES = {  # in the order the work is done
    steps.PRIOR_PLAN_CHECK: "Prior-plan check (R1)",
    steps.MANAGER_DISCUSSION: "Area or Service Manager discussion (R2)",
    steps.SERVICE_MANAGER_RATIONALE: "Rationale for another plan on the child's file (R8)",
    steps.PARTNERS_INFORMED: "Partners told of the previous plan (R3)",
    steps.REPEAT_ANALYSIS: "Repeat-plan analysis (R4 to R7)",
    steps.REPEATED_SERVICE_RATIONALE: "Rationale for each repeated service (R7)",
    steps.SIBLING_CONSIDERATION: "Siblings considered (R12)",
    steps.CP_CHAIR_CONVERSATION: "Conversation with the CP chair (R13)",
    steps.CP_MANAGER_CONSULTATION: "CP Manager consultation (R14)",
    steps.CPC_SCREENING: "CP chair screening (R9)",
    steps.CHALLENGE_AND_RESOLUTION: "Challenge and resolution (R11)",
    steps.HEAD_OF_SERVICE_SIGNOFF: "Head of Service sign-off (R10)",
    "history": "The child's CP plan history",
}

# The permission that does each step: ("record", RECORD_RULES key) or ("transition", TRANSITION_ROLES key).
STEP_PERMISSION = {
    steps.PRIOR_PLAN_CHECK: ("transition", "confirm_previous_plan"),
    steps.SIBLING_CONSIDERATION: ("record", "sibling_decision"),
    steps.MANAGER_DISCUSSION: ("transition", "proceed"),
    steps.SERVICE_MANAGER_RATIONALE: ("transition", "proceed"),
    steps.PARTNERS_INFORMED: ("record", "partners_informed"),
    steps.REPEAT_ANALYSIS: ("record", "analysis"),
    steps.REPEATED_SERVICE_RATIONALE: ("record", "service_rationale"),
    steps.CP_CHAIR_CONVERSATION: ("record", "cp_chair_conversation"),
    steps.CP_MANAGER_CONSULTATION: ("record", "cp_manager_consultation"),
    steps.CPC_SCREENING: ("record", "screening"),
    steps.CHALLENGE_AND_RESOLUTION: ("record", "issue_challenge"),
    steps.HEAD_OF_SERVICE_SIGNOFF: ("transition", "agree"),
}

ACTION_WORDS = {
    "start_request": "Started the request",
    "submit": "Submitted the request",
    "confirm_previous_plan": "Confirmed the prior-plan check: previous plan on record",
    "confirm_no_previous_plan": "Confirmed the prior-plan check: no previous plan",
    "proceed": "Agreed that the request goes to CP chair screening",
    "choose_alternative_route": "Chose an alternative route",
    "return_for_information": "Returned the request for more information",
    "decline": "Declined the request",
    "accept": "Accepted the request",
    "agree": "Agreed a further plan (Head of Service)",
    "refuse": "Refused a further plan (Head of Service)",
    "record_conference": "Recorded that the conference was held",
    "withdraw": "Withdrew the request",
    "record_proposal": "Changed the proposal",
    "record_proposed_services": "Changed the proposed services",
    "record_service_rationale": "Recorded the rationale for a repeated service",
    "record_partners_informed": "Recorded that partners were told of the previous plan",
    "record_analysis": "Changed the repeat-plan analysis",
    "record_cp_chair_conversation": "Recorded the conversation with the CP chair",
    "record_cp_manager_consultation": "Recorded the CP Manager consultation",
    "record_screening": "Recorded the screening discussion",
    "record_sibling_decision": "Recorded a sibling decision",
    "issue_challenge": "Issued a challenge and resolution",
    "respond_challenge": "Responded to the challenge",
    "resolve_challenge": "Resolved the challenge",
    "escalate_challenge": "Escalated the challenge",
}

# What the decision page does, for the "what you can do now" list.
DECISION_WORDS = {
    "proceed": "Agree that the request goes to CP chair screening",
    "choose_alternative_route": "Choose an alternative route (legal planning, pre-proceedings, Child in Need)",
    "return_for_information": "Return the request to the worker with questions",
    "decline": "Decline the request",
    "accept": "Accept the request",
    "agree": "Agree a further plan",
    "refuse": "Refuse a further plan",
    "record_conference": "Record that the conference was held",
}

WORKER_ACTIONS = {"submit", "confirm_previous_plan", "confirm_no_previous_plan", "withdraw"}


def action_in_words(action: str) -> str:
    return ACTION_WORDS.get(action) or action.replace("_", " ").capitalize()


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


def who_does(step: str) -> str:
    if step == "history":
        return "the child's team, with whoever keeps the CP plan records"
    kind, key = STEP_PERMISSION[step]
    roles = RECORD_RULES[key][0] if kind == "record" else TRANSITION_ROLES[key]
    return roles_in_words(roles)
