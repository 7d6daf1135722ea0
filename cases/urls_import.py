"""Loading CP plan history from census returns; mounted at /history-import/ (namespace history_import)."""

from django.urls import path

from cases import views_import

urlpatterns = [
    path("", views_import.upload, name="upload"),
    path("runs/<int:pk>/", views_import.run_detail, name="run"),
    path("runs/<int:pk>/retry/", views_import.run_retry, name="run_retry"),
    path("runs/<int:pk>/status.json", views_import.run_status, name="run_status"),
    path("runs/<int:pk>/rejections.csv", views_import.run_report, name="run_report"),
]
