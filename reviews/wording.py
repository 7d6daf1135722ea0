"""How the review pages say the step-down signals (conferences/step_down.py) in words."""

from conferences import step_down

SIGNAL_WORDS = {
    step_down.SHORT_PLAN: "The plan has lasted 3 months or less: it may be stepped down too early",
    step_down.ACTIONS_OUTSTANDING: "Actions are still outstanding",
    step_down.CORE_GROUP_ACTIONS_NOT_IMPLEMENTED: "The core group did not put the plan's services and actions in place",
    step_down.SERVICES_NOT_ENGAGED: "The family did not engage with some services",
    step_down.REPEAT_PLAN: "This is not the child's first plan",
    step_down.SIBLING_PLANS: "A brother or sister has a current plan or one that ended within 2 years",
}
