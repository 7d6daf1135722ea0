"""Ofsted Annex A list 7 export; mounted at /annex-a/ (namespace annex_a)."""

from django.urls import path

from quality import views_annex_a

urlpatterns = [
    path("", views_annex_a.export, name="export"),
]
