"""The site's URLs: each app owns its own; the home page sends each person to their own work."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.views import admin_sign_in
from repeatplans.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The admin lives where the environment says (DJANGO_ADMIN_PATH) and signs in through the app's own page.
    path(f"{settings.ADMIN_PATH}login/", admin_sign_in),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("repeatplans.urls_home")),
    path("children/", include(("cases.urls", "cases"))),
    path("history-import/", include(("cases.urls_import", "history_import"))),
    path("requests/", include(("conferences.urls", "conferences"))),
    path("decisions/", include(("conferences.urls_decisions", "decisions"))),
    path("corrections/", include(("conferences.urls_corrections", "corrections"))),
    path("reviews/", include(("reviews.urls", "reviews"))),
    path("quality/", include(("quality.urls", "quality"))),
    path("notifications/", include(("notifications.urls", "notifications"))),
    path("annex-a/", include(("quality.urls_annex_a", "annex_a"))),
    path("api/", include(("api.urls", "api"))),
]

# Under /api/ a missing page is JSON like every other API answer; elsewhere, the site's page.
handler404 = "api.errors.not_found"
