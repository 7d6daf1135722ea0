"""Who must show a second factor, and how long a signed-in session lasts: the sign-in rules in one place.

The roles that decide on a child's plan, or that can change the council's set-up, sign in with a
password and a one-time code (or through the council's single sign-on when it asserts MFA).
`settings.MFA_REQUIRED` is always on in production; only `DJANGO_ENV=development` with
`DJANGO_MFA=off` turns it off, for local demos and automated checks.
"""

import time

from django.conf import settings

from people.roles import Role

SECOND_FACTOR_ROLES = frozenset(
    {
        Role.TEAM_MANAGER,
        Role.AREA_MANAGER,
        Role.SERVICE_MANAGER,
        Role.CP_MANAGER,
        Role.CP_CHAIR,
        Role.HEAD_OF_SERVICE,
    }
)

# Activity is written to the session at most once a minute, so most pages cost no session write;
# the page's time-out warning counts from this much earlier to never promise more than the server gives.
ACTIVITY_PRECISION = 60

# Session keys this app keeps.
SIGNED_IN_AT = "accounts.signed_in_at"
LAST_SEEN = "accounts.last_seen"
VERIFIED_BY_PROVIDER = "accounts.verified_by_provider"


def needs_second_factor(user) -> bool:
    if not settings.MFA_REQUIRED or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    staff = getattr(user, "staff", None)
    return staff is not None and staff.role in SECOND_FACTOR_ROLES


def second_factor_done(request) -> bool:
    """A code from the person's authenticator app this session, or the council's provider said it checked MFA."""
    return request.user.is_verified() or request.session.get(VERIFIED_BY_PROVIDER, False)


def session_end_reason(session, now: float | None = None) -> str | None:
    """Why a signed-in session must end now, or None while it may go on.

    "absolute": signed in longer than SESSION_ABSOLUTE_TIMEOUT; "idle": no request for longer than
    SESSION_IDLE_TIMEOUT (seconds both); "unstamped": a session from before these limits existed.
    """
    now = time.time() if now is None else now
    signed_in_at = session.get(SIGNED_IN_AT)
    if signed_in_at is None:
        return "unstamped"
    if now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT:
        return "absolute"
    if now - session.get(LAST_SEEN, signed_in_at) > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return None
