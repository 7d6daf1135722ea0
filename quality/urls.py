"""Quality assurance, mounted at /quality/ (namespace "quality")."""

from django.urls import path

from quality import views, views_repeat_outcomes, views_security

urlpatterns = [
    path("indicators/", views.indicator_page, name="indicators"),
    path("indicators/cases/<slug:key>/", views.indicator_cases, name="indicator_cases"),
    path("indicators/download.<str:file_format>", views.indicator_download, name="indicator_download"),
    path("repeat-outcomes/", views_repeat_outcomes.outcomes_page, name="repeat_outcomes"),
    path("repeat-outcomes/children/", views_repeat_outcomes.outcome_children, name="repeat_outcome_children"),
    path(
        "repeat-outcomes/download.<str:file_format>",
        views_repeat_outcomes.outcomes_download,
        name="repeat_outcomes_download",
    ),
    path("repeat-outcomes/report/", views_repeat_outcomes.outcomes_report_start, name="repeat_outcomes_report"),
    path("reports/", views.report_start, name="report_start"),
    path("reports/<int:pk>/", views.report_run, name="report_run"),
    path("reports/<int:pk>/retry/", views.report_retry, name="report_retry"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
    path("security-events/", views_security.security_events, name="security_events"),
    path("deep-dives/", views.deep_dive_list, name="deep_dives"),
    path("deep-dives/start/", views.deep_dive_start, name="deep_dive_start"),
    path("deep-dives/<int:pk>/", views.deep_dive_detail, name="deep_dive"),
    path("deep-dives/<int:pk>/cases/<int:position>/", views.deep_dive_case, name="deep_dive_case"),
    path("deep-dives/<int:pk>/report/", views.deep_dive_report, name="deep_dive_report"),
    path("deep-dives/<int:pk>/report.xlsx", views.deep_dive_report_xlsx, name="deep_dive_report_xlsx"),
]
