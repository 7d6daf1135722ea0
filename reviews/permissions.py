"""Who may record a review conference, prepare an ending, and agree it: the one place for these rules.

Access to the child is the child's object permission (django-guardian, cases/permissions.py):
CP chairs and CP Managers hold every child council-wide. A CP Manager may chair a review too, but
never agrees an ending that they chaired or proposed: agreement is a second person's.
"""

from cases.permissions import can_change_child, can_view_child
from people.roles import Role, role_of

CHAIR_ROLES = {Role.CP_CHAIR, Role.CP_MANAGER}
AGREEING_ROLES = {Role.CP_MANAGER}


def chair_refusal(user, child) -> str | None:
    """Why this person may not record a review conference or prepare an ending for this child, or None."""
    if role_of(user) not in CHAIR_ROLES:
        return "Only a CP chair or CP Manager records a review conference."
    if not can_change_child(user, child):
        return "You do not hold this child's record."
    return None


def agreement_refusal(user, review) -> str | None:
    """Why this person may not agree (or refuse) the ending, or None."""
    if role_of(user) not in AGREEING_ROLES:
        return "Only the CP Manager agrees the ending of a plan with step-down signals."
    if not can_change_child(user, review.plan.child):
        return "You do not hold this child's record."
    if user.pk == review.chair_id:
        return "You chaired this review conference: another CP Manager must agree the ending."
    return None


def may_view_reviews(user, child) -> bool:
    return can_view_child(user, child)
