"""Two checks on every signed-in request: the session is still within its limits, and the second factor is done."""

import time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from accounts.policy import ACTIVITY_PRECISION, LAST_SEEN, needs_second_factor, second_factor_done, session_end_reason
from accounts.views import ended_message


class SessionLimitsMiddleware:
    """Ends a session idle too long or signed in too long; any other signed-in request counts as activity.

    The request then goes on signed out, so a page asks for sign-in as usual and the keep-alive answers 401.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            reason = session_end_reason(request.session, now)
            if reason:
                logout(request)
                if reason != "unstamped":
                    messages.info(request, ended_message(reason))
            elif now - request.session.get(LAST_SEEN, 0) >= ACTIVITY_PRECISION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """People whose role needs a second factor reach only the second-factor step until they pass it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "allowed_before_second_factor", False):
            return None
        if needs_second_factor(request.user) and not second_factor_done(request):
            return redirect(f"{reverse('two_factor')}?{urlencode({'next': request.get_full_path()})}")
        return None
