"""Single sign-on through the council's OpenID Connect provider (Microsoft Entra ID), with mozilla-django-oidc.

Configured from the environment (repeatplans/settings): the client ID and secret, and either the
provider's discovery URL or its four endpoints. Without a client ID there is no council sign-in.

A person signs in as the user named by their `preferred_username` claim (OIDC_USERNAME_CLAIM); a
first sign-in creates the user and their Staff record. Their role comes from the provider's `groups`
claim through OIDC_GROUP_ROLES (group name or object ID -> role); with no mapped group, or groups
that map to more than one role, sign-in is refused and the reason shown. A role change at the
provider changes the role here at the next sign-in; the team and service area stay as an
administrator set them. Roles that need a second factor count as verified only when the provider
says it checked one (`amr` contains `mfa`); otherwise they are asked for their app's code here.
"""

import logging
import time

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from people.models import Staff
from people.roles import Role

log = logging.getLogger(__name__)

ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_CACHE_SECONDS = 3600
_discovered: dict[str, tuple[float, dict]] = {}


class ProviderUnavailable(Exception):
    pass


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def discovery_document(url: str) -> dict:
    fetched = _discovered.get(url)
    if fetched and time.monotonic() - fetched[0] < DISCOVERY_CACHE_SECONDS:
        return fetched[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"the provider's discovery document at {url} could not be read: {error}") from error
    _discovered[url] = (time.monotonic(), document)
    return document


def oidc_setting(attr, *default):
    """mozilla-django-oidc's settings, with endpoints not given explicitly taken from the discovery document."""
    value = getattr(settings, attr, None)
    if attr in ENDPOINTS and not value and settings.OIDC_OP_DISCOVERY_URL:
        value = discovery_document(settings.OIDC_OP_DISCOVERY_URL).get(ENDPOINTS[attr])
    if value is None:
        return import_from_settings(attr, *default)
    return value


def roles_for_groups(groups) -> set[str]:
    """The roles that the provider's groups map to (OIDC_GROUP_ROLES); unknown groups are ignored."""
    mapping = settings.OIDC_GROUP_ROLES
    return {mapping[group] for group in groups or () if group in mapping}


class CouncilAccountBackend(OIDCAuthenticationBackend):
    """Signs in a person the council's provider has authenticated; answers nothing else."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # The provider's endpoints are read when someone signs in with it, not whenever Django
        # loads its backends (every password sign-in does), so a provider that is down or not
        # configured never stands in the way of a password.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; a password form never reaches the provider.
        if request is None or "nonce" not in kwargs or not sso_enabled():
            return None
        try:
            for attr in (*ENDPOINTS, "OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET", "OIDC_RP_SIGN_ALGO"):
                setattr(self, attr, self.get_settings(attr))
        except ProviderUnavailable as error:
            log.warning("council sign-in: %s", error)
            return None
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """mozilla-django-oidc checks the signature and the nonce; the token must also be meant for this service."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        if self.OIDC_RP_CLIENT_ID not in (audience if isinstance(audience, list) else [audience]):
            raise SuspiciousOperation("the ID token is for another client")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims (Entra puts `groups` and `amr` there), with the userinfo endpoint's on top."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(super().get_userinfo(access_token, id_token, payload))
            # Userinfo never speaks for how the person authenticated: keep the signed token's word.
            claims["amr"] = payload.get("amr", [])
        return claims

    def verify_claims(self, claims):
        if not claims.get(settings.OIDC_USERNAME_CLAIM):
            return self._refuse(claims, "the provider did not send a username")
        roles = roles_for_groups(claims.get("groups"))
        if len(roles) != 1:
            reason = "none of your groups is given a role" if not roles else "your groups give you more than one role"
            return self._refuse(claims, f"{reason} in this service")
        claims["role"] = roles.pop()
        return True

    def _refuse(self, claims, reason):
        log.warning("council sign-in refused: %s", reason)  # no name: the logs carry nothing personal
        self.request.council_sign_in_refused = (
            f"You cannot sign in with your council account because {reason}. "
            "Ask your council's IT service desk to check your groups."
        )
        return False

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username__iexact=claims[settings.OIDC_USERNAME_CLAIM])

    def create_user(self, claims):
        user = self.UserModel(username=claims[settings.OIDC_USERNAME_CLAIM].lower())
        user.set_unusable_password()
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        user.email = claims.get("email", user.email) or ""
        user.first_name = claims.get("given_name", user.first_name) or ""
        user.last_name = claims.get("family_name", user.last_name) or ""
        user.save()
        staff = Staff.objects.filter(user=user).first() or Staff(user=user)
        if staff.role != claims["role"]:
            staff.role = Role(claims["role"])
            staff.save()
        user.verified_by_provider = "mfa" in (claims.get("amr") or [])
        return user


class CouncilSignInStart(OIDCAuthenticationRequestView):
    """'Sign in with your council account': off to the provider, or back to the sign-in page if it cannot be reached."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        if not sso_enabled():
            return redirect("login")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable as error:
            log.warning("council sign-in: %s", error)
            messages.error(request, "Council sign-in is not available just now. Sign in with your password.")
            return redirect("login")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CouncilSignInCallback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    @property
    def failure_url(self):
        return reverse("login")

    def login_failure(self):
        messages.error(
            self.request,
            getattr(self.request, "council_sign_in_refused", None)
            or "We could not sign you in with your council account. Try again, or sign in with your password.",
        )
        return super().login_failure()
