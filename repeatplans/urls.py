"""The site's URLs: each app owns its own; the home page sends each person to their own work."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
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
]
