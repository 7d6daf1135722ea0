"""Signing in and staying signed in: the password page, the second factor, the keep-alive and the time-out.

Every view here that a person reaches before their second factor is marked
`allowed_before_second_factor`; SecondFactorMiddleware sends every other request to the step.
"""

import io
import time
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import CodeForm
from accounts.oidc import sso_enabled
from accounts.policy import LAST_SEEN, needs_second_factor, second_factor_done
from audit.models import SecurityEvent
from audit.services import record_security_event


def allowed_before_second_factor(view):
    view.allowed_before_second_factor = True
    return view


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


class SignInView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_enabled": sso_enabled()}


sign_in = allowed_before_second_factor(SignInView.as_view())
sign_out = allowed_before_second_factor(auth_views.LogoutView.as_view())


@allowed_before_second_factor
@never_cache
@login_required
def two_factor(request):
    """Enrol an authenticator app (scan, then confirm a code) or, once enrolled, enter its code."""
    user = request.user
    next_url = _safe_next(request)
    if not needs_second_factor(user) or second_factor_done(request):
        return redirect(next_url)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "Authenticator app"})
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        if enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        django_otp.login(request, device)
        # A stronger sign-in gets a new session key, so a key seen before this step is worth nothing.
        request.session.cycle_key()
        return redirect(next_url)
    if request.method == "POST" and form.has_error("code") and form.data.get("code"):
        record_security_event(SecurityEvent.Kind.WRONG_CODE, request=request)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "enrolling": enrolling,
            "next": next_url,
            "key": _grouped_base32(device) if enrolling else "",
        },
    )


def _grouped_base32(device):
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@allowed_before_second_factor
@never_cache
@login_required
def two_factor_qr_code(request):
    """The new authenticator key as an SVG QR code, drawn here (no outside service ever sees the key)."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        raise Http404("No authenticator app is being set up")
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    out = io.BytesIO()
    image.save(out)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


@allowed_before_second_factor
@never_cache
@login_required
@require_POST
def keep_alive(request):
    """'Stay signed in': any signed-in request counts as activity (SessionLimitsMiddleware); this says how long.

    A session that has already ended is sent to sign in, which the page's script reads as "signed out"."""
    request.session[LAST_SEEN] = time.time()
    return JsonResponse({"idle_timeout": settings.SESSION_IDLE_TIMEOUT})


@allowed_before_second_factor
@require_POST
def timed_out(request):
    """The time-out warning ran out: sign out here, and tell the person on the sign-in page."""
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        logout(request)
    messages.info(request, ended_message("idle", drafts_kept=True))
    return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")


def ended_message(reason, *, drafts_kept=False):
    """What the sign-in page says after SessionLimitsMiddleware or the time-out warning ended a session."""
    if reason == "absolute":
        hours = settings.SESSION_ABSOLUTE_TIMEOUT // 3600
        return f"You were signed out because you had been signed in for {hours} hours. Sign in again to carry on."
    minutes = settings.SESSION_IDLE_TIMEOUT // 60
    message = f"You were signed out because you had not used the service for {minutes} minutes."
    if drafts_kept:
        return f"{message} What you had typed is kept in this browser tab: sign in again to carry on."
    return f"{message} Sign in again to carry on."


@allowed_before_second_factor
def admin_sign_in(request):
    """The admin signs in through the app's own sign-in page, with its lock-out and second factor."""
    if request.user.is_authenticated:
        raise PermissionDenied("Only administrators can use the admin")
    return auth_views.redirect_to_login(request.GET.get("next") or reverse("admin:index"))


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lock-out page (AXES_LOCKOUT_CALLABLE): the cool-off, in words."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )
