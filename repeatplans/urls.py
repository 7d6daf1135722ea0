"""The site's URLs: each app owns its own; the home page sends each person to their own work."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from repeatplans.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("repeatplans.urls_home")),
    path("children/", include(("cases.urls", "cases"))),
    path("history-import/", include(("cases.urls_import", "history_import"))),
    path("requests/", include(("conferences.urls", "conferences"))),
    path("decisions/", include(("conferences.urls_decisions", "decisions"))),
    path("reviews/", include(("reviews.urls", "reviews"))),
    path("quality/", include(("audit.urls", "audit"))),
    path("notifications/", include(("notifications.urls", "notifications"))),
    path("annex-a/", include(("audit.urls_annex_a", "annex_a"))),
    path("api/", include(("api.urls", "api"))),
]

# Under /api/ a missing page is JSON like every other API answer; elsewhere, the site's page.
handler404 = "api.errors.not_found"
