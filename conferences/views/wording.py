"""How the request pages say things: the assessment's steps in words, and who does each step.

Actions' words and who takes them are their declarations' (conferences/actions.py): this module only
reads them, so it names people but never decides who may act.
"""

from conferences import assessment as steps
from conferences.actions import who_records

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


def who_does(step: str) -> str:
    if step == "history":
        return "the child's team, with whoever keeps the CP plan records"
    return who_records(step).words
