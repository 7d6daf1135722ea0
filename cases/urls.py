"""Finding a child and reading their record."""

from django.urls import path

from cases import views

urlpatterns = [
    path("", views.child_search, name="child_search"),
    path("<int:pk>/", views.child_detail, name="child_detail"),
]
