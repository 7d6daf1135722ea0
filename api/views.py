"""The API's resources. Each view parses, asks the same permission functions as the pages, and calls one
service or selector; a child or request the caller may not see is 404, exactly like a missing one.
"""

from datetime import datetime, time, timedelta
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from api import serializers
from api.trail import ServiceAccountTrailMixin
from audit.models import AuditEvent, RecordAccess
from audit.services import record_access, record_list_access
from cases.forms import ChildSearchForm
from cases.models import Child, CPPlan
from cases.permissions import children_visible_to
from cases.plans import plan_correct, plan_create
from conferences import transitions
from conferences.assessment import AssessmentError, Proposal, assess
from conferences.errors import RequestChanged, http_status
from conferences.management.commands.assess import BadInput, assess_json, one_line
from conferences.models import ConferenceRequest
from conferences.permissions import can_view_request, requests_visible_to
from conferences.requirements import missing_for, outstanding_steps
from conferences.selectors import plan_records, request_version, try_assessment
from people.models import ServiceArea
from people.roles import Role, role_of
from quality import indicator_export
from quality import indicators as indicator_figures
from quality.access import limited_to_own_area, may_see_indicators, own_service_area


class Pages(PageNumberPagination):
    page_size = 25


class ApiView(ServiceAccountTrailMixin, GenericAPIView):
    pagination_class = Pages
    metadata_class = None  # OPTIONS describes nothing beyond the schema: 405, as for any undocumented method

    def query(self, serializer_class) -> dict:
        """The query string, checked: bad values are 400 with field errors."""
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def page_of(self, queryset, serializer_class, *, child_of=None):
        """One page of the list; `child_of(row)` names each row's child, for one access record naming them all."""
        page = self.paginate_queryset(queryset)
        if child_of is not None:
            record_list_access(self.request.user, [child_of(row) for row in page], self.request.get_full_path())
        return self.get_paginated_response(serializer_class(page, many=True).data)


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied("Your role does not give access to this resource.")


# --- Children --------------------------------------------------------------------------------------------------


def _child_queryset():
    return Child.objects.select_related("team").prefetch_related(
        Prefetch("plans", queryset=CPPlan.objects.prefetch_related("services"))
    )


def visible_child(http_request, local_child_id, *, log=True) -> Child:
    """The child, or 404 whether missing or not the caller's to see; every read of the record is logged."""
    child = children_visible_to(http_request.user, _child_queryset()).filter(local_child_id=local_child_id).first()
    if child is None:
        raise Http404
    if log:
        record_access(http_request.user, child, http_request.path)
    return child


def current_assessment(child) -> tuple[dict | None, str | None]:
    """The child's history as it stands today, as a new request with no proposal yet would be assessed."""
    try:
        result = assess(
            plan_records(child), Proposal(categories=frozenset()), timezone.localdate(), child.siblings().count()
        )
    except AssessmentError as error:
        return None, str(error)
    return result.to_dict(), None


def child_body(child) -> dict:
    assessment, problem = current_assessment(child)
    child.current_assessment, child.assessment_problem = assessment, problem
    return serializers.ChildDetailSerializer(child).data


class ChildList(ApiView):
    @extend_schema(
        parameters=[serializers.ChildSearchSerializer],
        responses=serializers.ChildSerializer(many=True),
        summary="Find children by name or local child ID",
    )
    def get(self, request):
        form = ChildSearchForm(request.query_params)
        if not form.is_valid():
            raise drf_serializers.ValidationError({k: list(v) for k, v in form.errors.items()})
        children = form.filter(children_visible_to(request.user, Child.objects.select_related("team")))
        return self.page_of(
            children.order_by("last_name", "first_name", "local_child_id"),
            serializers.ChildSerializer,
            child_of=lambda child: child.pk,
        )


class ChildDetail(ApiView):
    @extend_schema(responses=serializers.ChildDetailSerializer, summary="A child's record: CP plans and assessment")
    def get(self, request, local_child_id):
        return Response(child_body(visible_child(request, local_child_id)))


class PlanCreate(ApiView):
    @extend_schema(
        request=serializers.PlanWriteSerializer,
        responses={201: serializers.ChildDetailSerializer},
        summary="Add a CP plan to a child's history (data manager)",
    )
    def post(self, request, local_child_id):
        child = visible_child(request, local_child_id, log=False)
        data = serializers.PlanWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan_create(
            child=child,
            user=request.user,
            values=data.plan_values(),
            services=data.validated_data.get("services", []),
            reason=data.validated_data.get("reason", ""),
        )
        return Response(written_child_body(request, child), status=status.HTTP_201_CREATED)


class PlanCorrect(ApiView):
    @extend_schema(
        request=serializers.PlanCorrectionSerializer,
        responses=serializers.ChildDetailSerializer,
        summary="Correct a CP plan, with the reason (data manager)",
    )
    def patch(self, request, local_child_id, plan_id):
        child = visible_child(request, local_child_id, log=False)
        plan = get_object_or_404(CPPlan, pk=plan_id, child=child)
        data = serializers.PlanCorrectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan_correct(
            plan=plan,
            user=request.user,
            values=data.plan_values(),
            reason=data.validated_data["reason"],
            services=data.validated_data.get("services"),
        )
        return Response(written_child_body(request, child))


def written_child_body(http_request, child) -> dict:
    """After a write: the record as it now stands, returned (and so logged) only once the write is done."""
    record_access(http_request.user, child, http_request.path)
    return child_body(_child_queryset().get(pk=child.pk))


# --- Conference requests -----------------------------------------------------------------------------------------


def visible_request(http_request, pk) -> ConferenceRequest:
    request_obj = ConferenceRequest.objects.select_related("child").filter(pk=pk).first()
    if request_obj is None or not can_view_request(http_request.user, request_obj):
        raise Http404
    return request_obj


class RequestList(ApiView):
    @extend_schema(
        parameters=[serializers.RequestListQuerySerializer],
        responses=serializers.RequestSerializer(many=True),
        summary="Conference requests the caller may see",
    )
    def get(self, request):
        query = self.query(serializers.RequestListQuerySerializer)
        requests = requests_visible_to(request.user, ConferenceRequest.objects.select_related("child"))
        if query.get("state"):
            requests = requests.filter(state=query["state"])
        return self.page_of(
            requests.order_by("-created_at", "-pk"), serializers.RequestSerializer, child_of=lambda row: row.child_id
        )


def request_body(request_obj, user) -> dict:
    """The request as the caller may act on it: what the assessment requires and what each of their steps needs."""
    assessment, problem = try_assessment(request_obj)
    available = transitions.available_actions(request_obj, user)
    shown = SimpleNamespace(
        **{field: getattr(request_obj, field) for field in serializers.RequestSerializer.PLAIN_FIELDS},
        child=request_obj.child,
        get_state_display=request_obj.get_state_display,
        version=request_version(request_obj),
        reason=request_obj.reason,
        proposed_categories=request_obj.proposed_categories,
        proposed_factors=request_obj.proposed_factors,
        proposed_services=[service.name for service in request_obj.proposed_services.all()],
        plan_number=assessment.plan_number if assessment else None,
        required_steps=list(assessment.required_steps) if assessment else [],
        steps=outstanding_steps(request_obj) if assessment else {},
        available_transitions=available,
        missing={name: missing_for(request_obj, name) for name in available},
        assessment_problem=problem,
    )
    return serializers.RequestDetailSerializer(shown).data


class RequestDetail(ApiView):
    @extend_schema(responses=serializers.RequestDetailSerializer, summary="A request: its stage and what it needs")
    def get(self, request, pk):
        request_obj = visible_request(request, pk)
        record_access(request.user, request_obj.child, request.path)
        return Response(request_body(request_obj, request.user))


class RequestTransition(ApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(transitions.ACTIONS))
        ],
        request=serializers.TransitionSerializer,
        responses={
            200: serializers.TransitionResultSerializer,
            400: OpenApiResponse(description="Facts missing: field errors, or `problems` saying what is missing."),
            403: OpenApiResponse(description="The caller may see the request but not take this transition."),
            409: OpenApiResponse(description="expected_version is stale, or the request has moved on."),
        },
        summary="Take a transition on a request",
    )
    def post(self, request, pk, name):
        if name not in transitions.ACTIONS:
            raise Http404
        visible_request(request, pk)
        data = serializers.TransitionSerializer(data=request.data, transition=name)
        data.is_valid(raise_exception=True)
        try:
            changed = transitions.ACTIONS[name].take(
                pk, request.user, expected_version=data.validated_data["expected_version"], **data.facts()
            )
        except RequestChanged as changed_meanwhile:
            # The version the caller should read again with, beside why the action was refused.
            body = {
                "detail": " ".join(changed_meanwhile.problems),
                "version": request_version(ConferenceRequest.objects.get(pk=pk)),
            }
            return Response(body, status=http_status(changed_meanwhile))
        body = {"id": changed.pk, "transition": name, "state": changed.state, "version": request_version(changed)}
        return Response(body)


# --- Assessment and indicators ------------------------------------------------------------------------------------


class AssessmentView(ApiView):
    @extend_schema(
        request=serializers.AssessmentInputSerializer,
        responses={200: serializers.AssessmentSerializer},
        summary="Assess a history and a proposal, exactly as `manage.py assess`",
    )
    def post(self, request):
        # The command's own parser reads the raw body, so the two accept and refuse exactly the same input.
        try:
            return Response(assess_json(request.body))
        except (BadInput, AssessmentError) as error:
            return Response({"detail": one_line(str(error))}, status=status.HTTP_400_BAD_REQUEST)


class IndicatorView(ApiView):
    @extend_schema(
        parameters=[serializers.IndicatorQuerySerializer],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="As `manage.py indicators --format json`.")},
        summary="Performance indicators for a period",
    )
    def get(self, request):
        _require(may_see_indicators(request.user))
        query = self.query(serializers.IndicatorQuerySerializer)
        area = query.get("service_area")
        if limited_to_own_area(request.user):
            own = own_service_area(request.user)
            area = area or (own.name if own else None)
            _require(own is not None and area == own.name)
        if area and not ServiceArea.objects.filter(name=area).exists():
            known = ", ".join(ServiceArea.objects.values_list("name", flat=True)) or "none"
            raise drf_serializers.ValidationError(
                {"service_area": [f"No service area is called '{area}'. Known service areas: {known}."]}
            )
        report = indicator_figures.report(query["from"], query["to"], service_area=area)
        return Response(indicator_export.as_json(report))


# --- The trail ------------------------------------------------------------------------------------------------


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _trail(queryset, query, person_field):
    if query.get("child"):
        queryset = queryset.filter(child__local_child_id=query["child"])
    if query.get("person"):
        queryset = queryset.filter(**{f"{person_field}__username": query["person"]})
    if query.get("from"):
        queryset = queryset.filter(at__gte=_day_start(query["from"]))
    if query.get("to"):
        queryset = queryset.filter(at__lt=_day_start(query["to"]) + timedelta(days=1))
    return queryset


class AuditEventList(ApiView):
    @extend_schema(
        parameters=[serializers.TrailQuerySerializer],
        responses=serializers.AuditEventSerializer(many=True),
        summary="The audit trail (auditors)",
    )
    def get(self, request):
        _require(role_of(request.user) == Role.AUDITOR)
        query = self.query(serializers.TrailQuerySerializer)
        events = _trail(AuditEvent.objects.select_related("actor", "child"), query, "actor")
        return self.page_of(events.order_by("-at", "-pk"), serializers.AuditEventSerializer)


class RecordAccessList(ApiView):
    @extend_schema(
        parameters=[serializers.TrailQuerySerializer],
        responses=serializers.RecordAccessSerializer(many=True),
        summary="Who opened which child's record (auditors)",
    )
    def get(self, request):
        _require(role_of(request.user) == Role.AUDITOR)
        query = self.query(serializers.TrailQuerySerializer)
        accesses = _trail(RecordAccess.objects.select_related("user", "child"), query, "user")
        return self.page_of(accesses.order_by("-at", "-pk"), serializers.RecordAccessSerializer)
