"""Review conferences and ending a plan, mounted at /reviews/ (namespace "reviews")."""

from django.urls import path

from reviews import views

urlpatterns = [
    path("", views.endings, name="endings"),
    path("plans/<int:plan_pk>/record/", views.record_review, name="record"),
    path("<int:pk>/", views.review_detail, name="review"),
    path("<int:pk>/step-down-plan/", views.step_down_plan, name="step_down_plan"),
    path("<int:pk>/actions/", views.actions, name="actions"),
    path("<int:pk>/actions/<int:action_pk>/remove/", views.remove_action, name="remove_action"),
]
