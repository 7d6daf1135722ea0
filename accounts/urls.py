"""Signing in, the second factor, staying signed in, and council sign-in (OpenID Connect)."""

from django.urls import path

from accounts import oidc, views

council_sign_in_start = views.allowed_before_second_factor(oidc.CouncilSignInStart.as_view())
council_sign_in_callback = views.allowed_before_second_factor(oidc.CouncilSignInCallback.as_view())

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path("account/two-factor/qr-code.svg", views.two_factor_qr_code, name="two_factor_qr_code"),
    path("account/keep-alive/", views.keep_alive, name="keep_alive"),
    path("account/timed-out/", views.timed_out, name="timed_out"),
    path(
        "oidc/authenticate/",
        views.allowed_before_second_factor(oidc.CouncilSignInStart.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        views.allowed_before_second_factor(oidc.CouncilSignInCallback.as_view()),
        name="oidc_authentication_callback",
    ),
]
