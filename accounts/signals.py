"""Stamp each new session with when it began, for the idle and absolute limits (accounts/policy.py);
record each failed sign-in and lock-out as a security event the auditor can list."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from accounts.policy import LAST_SEEN, SIGNED_IN_AT, VERIFIED_BY_PROVIDER
from audit.models import SecurityEvent
from audit.services import record_security_event


@receiver(user_logged_in, dispatch_uid="accounts_stamp_session")
def stamp_session(sender, request, user, **kwargs):
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    # Set by CouncilAccountBackend when the council's provider says it checked a second factor.
    request.session[VERIFIED_BY_PROVIDER] = bool(getattr(user, "verified_by_provider", False))


@receiver(user_login_failed, dispatch_uid="accounts_record_failed_sign_in")
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    record_security_event(
        SecurityEvent.Kind.SIGN_IN_FAILED, request=request, username=str(credentials.get("username") or "")
    )


@receiver(user_locked_out, dispatch_uid="accounts_record_lock_out")
def record_lock_out(sender, request=None, username=None, **kwargs):
    record_security_event(SecurityEvent.Kind.LOCKED_OUT, request=request, username=username or "")
