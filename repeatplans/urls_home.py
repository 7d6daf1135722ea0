"""The home page."""

from django.urls import path

from repeatplans import views

urlpatterns = [
    path("", views.home, name="home"),
]
