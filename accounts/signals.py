"""Stamp each new session with when it began, for the idle and absolute limits (accounts/policy.py)."""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.policy import LAST_SEEN, SIGNED_IN_AT, VERIFIED_BY_PROVIDER


@receiver(user_logged_in, dispatch_uid="accounts_stamp_session")
def stamp_session(sender, request, user, **kwargs):
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    # Set by CouncilAccountBackend when the council's provider says it checked a second factor.
    request.session[VERIFIED_BY_PROVIDER] = bool(getattr(user, "verified_by_provider", False))
