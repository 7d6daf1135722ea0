"""Conference requests: the worker's step-by-step request and the request page everyone shares."""

from django.urls import path

from conferences.views import conference, requests

urlpatterns = [
    path("start/<int:child_pk>/", requests.start, name="start"),
    path("<int:pk>/", requests.request_detail, name="request_detail"),
    path("<int:pk>/edit/<slug:slug>/", requests.section, name="section"),
    path("<int:pk>/edit/<slug:slug>/draft/", requests.keep_section_draft, name="section_draft"),
    path("<int:pk>/check/", requests.check_answers, name="check_answers"),
    path("<int:pk>/prior-plan-check/", requests.prior_plan_check, name="prior_plan_check"),
    path("<int:pk>/withdraw/", requests.withdraw, name="withdraw"),
    path("<int:pk>/conference/", conference.record_conference, name="record_conference"),
]
