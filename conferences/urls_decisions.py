"""The decision pages, mounted at /decisions/ under the namespace "decisions"."""

from django.urls import path

from conferences.views import challenges, dashboards, decisions

urlpatterns = [
    path("", dashboards.dashboard, name="dashboard"),
    path("requests/<int:pk>/", decisions.decide, name="decide"),
    path("requests/<int:pk>/drafts/", decisions.keep_draft, name="draft"),
    path("requests/<int:pk>/<slug:action>/", decisions.task, name="task"),
    path("challenges/", challenges.challenge_list, name="challenges"),
    path("challenges/<int:pk>/", challenges.challenge_detail, name="challenge"),
    path("challenges/<int:pk>/drafts/", challenges.keep_draft, name="challenge_draft"),
    path("challenges/<int:pk>/<slug:step>/", challenges.challenge_step, name="challenge_step"),
]
