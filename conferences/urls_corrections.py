"""The correction pages, mounted at /corrections/ under the namespace "corrections"."""

from django.urls import path

from conferences.views import corrections

urlpatterns = [
    path("plans/<int:plan_pk>/", corrections.correct_plan, name="plan"),
    path("plans/<int:plan_pk>/end/", corrections.record_plan_end, name="plan_end"),
    path("requests/<int:pk>/<slug:name>/", corrections.correct_request, name="request"),
]
