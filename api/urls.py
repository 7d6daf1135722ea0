"""The API under /api/: version 1's resources, the OpenAPI schema and its documentation (served locally)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import views, views_tokens

v1 = [
    path("children/", views.ChildList.as_view(), name="children"),
    path("children/<str:local_child_id>/", views.ChildDetail.as_view(), name="child"),
    path("children/<str:local_child_id>/plans/", views.PlanCreate.as_view(), name="plans"),
    path("children/<str:local_child_id>/plans/<int:plan_id>/", views.PlanCorrect.as_view(), name="plan"),
    path("requests/", views.RequestList.as_view(), name="requests"),
    path("requests/<int:pk>/", views.RequestDetail.as_view(), name="request"),
    path("requests/<int:pk>/transitions/<str:name>/", views.RequestTransition.as_view(), name="transition"),
    path("assessment/", views.AssessmentView.as_view(), name="assessment"),
    path("indicators/", views.IndicatorView.as_view(), name="indicators"),
    path("audit-events/", views.AuditEventList.as_view(), name="audit_events"),
    path("record-access/", views.RecordAccessList.as_view(), name="record_access"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("tokens/", views_tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views_tokens.revoke, name="revoke_token"),
]
