"""What the API reads and writes. Serializers translate only: every rule is in the services they call."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from audit.models import AuditEvent, RecordAccess
from cases.codes import ASSESSMENT_FACTORS, CATEGORY_CHOICES
from cases.models import Child, CPPlan, HowPlanEnded
from conferences.forms import MAX_PROPOSED_SERVICES, SERVICE_NAME_LENGTH
from conferences.models import AlternativeRoute, ConferenceOutcome, HeadOfServiceGround, HistorySource, State
from conferences.transitions import ACTIONS
from limits.dates import bounded_date_field
from people.roles import Role

# --- Children and their plans ------------------------------------------------------------------------------------


class AssessmentSerializer(serializers.Serializer):
    """The gatekeeping assessment (conferences.assessment.Assessment.to_dict), field for field."""

    plan_number = serializers.IntegerField()
    is_repeat = serializers.BooleanField()
    previous_plans = serializers.IntegerField()
    unrecorded_previous_plans = serializers.IntegerField()
    last_plan_end = bounded_date_field(allow_null=True)
    days_since_last_plan_end = serializers.IntegerField(allow_null=True)
    within_12_months = serializers.BooleanField()
    within_2_years = serializers.BooleanField()
    last_plan_days = serializers.IntegerField(allow_null=True)
    short_last_plan = serializers.BooleanField()
    long_last_plan = serializers.BooleanField()
    repeated_concerns = serializers.ListField(child=serializers.CharField())
    new_concerns = serializers.ListField(child=serializers.CharField())
    similar_concerns = serializers.BooleanField()
    close_scrutiny = serializers.BooleanField()
    repeated_services = serializers.ListField(child=serializers.CharField())
    challenge_triggers = serializers.ListField(child=serializers.CharField())
    required_steps = serializers.ListField(child=serializers.CharField())


class PlanSerializer(serializers.ModelSerializer):
    start = bounded_date_field(source="start_date")
    end = bounded_date_field(source="end_date", allow_null=True)
    categories = serializers.SerializerMethodField()
    factors = serializers.ListField(source="assessment_factors", child=serializers.CharField())
    services = serializers.SerializerMethodField()
    held_by = serializers.SerializerMethodField()

    class Meta:
        model = CPPlan
        fields = [
            "id",
            "start",
            "end",
            "categories",
            "initial_category",
            "latest_category",
            "factors",
            "services",
            "held_by",
            "how_ended",
            "outstanding_actions_at_closure",
            "core_group_actions_not_implemented",
            "declared_previous_plans",
        ]

    def get_categories(self, plan) -> list[str]:
        return sorted(plan.categories)

    def get_services(self, plan) -> list[str]:
        return [service.name for service in plan.services.all()]

    def get_held_by(self, plan) -> str:
        """'this council', or the name of the council that held it."""
        return plan.other_council if plan.held_by_other_council else "this council"


class ChildSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="team.name", default=None, allow_null=True)

    class Meta:
        model = Child
        fields = ["local_child_id", "first_name", "last_name", "date_of_birth", "expected_date_of_birth", "team"]


class ChildDetailSerializer(ChildSerializer):
    plans = PlanSerializer(many=True)
    current_assessment = AssessmentSerializer(
        allow_null=True, help_text="The history as it stands today, for a request with no proposal yet."
    )
    assessment_problem = serializers.CharField(
        allow_null=True, help_text="Why there is no assessment (an open plan, a census rule), or null."
    )

    class Meta(ChildSerializer.Meta):
        fields = [*ChildSerializer.Meta.fields, "sex", "plans", "current_assessment", "assessment_problem"]


class ChildSearchSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Name or local child ID.")


class PlanWriteSerializer(serializers.Serializer):
    """A plan as the data manager writes it. The census rules are checked by the model, not here."""

    start = bounded_date_field(source="start_date")
    end = bounded_date_field(source="end_date", allow_null=True, required=False)
    initial_category = serializers.ChoiceField(choices=CATEGORY_CHOICES)
    latest_category = serializers.ChoiceField(choices=CATEGORY_CHOICES, help_text="Census rule 8910: always given.")
    factors = serializers.ListField(
        source="assessment_factors", child=serializers.ChoiceField(choices=sorted(ASSESSMENT_FACTORS)), required=False
    )
    services = serializers.ListField(
        child=serializers.CharField(max_length=SERVICE_NAME_LENGTH), max_length=MAX_PROPOSED_SERVICES, required=False
    )
    how_ended = serializers.ChoiceField(choices=HowPlanEnded.choices, required=False, allow_blank=True)
    outstanding_actions_at_closure = serializers.BooleanField(required=False)
    core_group_actions_not_implemented = serializers.BooleanField(required=False)
    other_council = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="The council that held it; blank: this council."
    )
    declared_previous_plans = serializers.IntegerField(min_value=0, max_value=99, required=False, allow_null=True)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, help_text="Why it is written.")

    def plan_values(self) -> dict:
        values = {key: value for key, value in self.validated_data.items() if key not in ("services", "reason")}
        if "other_council" in values:
            values["held_by_other_council"] = bool(values["other_council"].strip())
        return values


class PlanCorrectionSerializer(PlanWriteSerializer):
    """Only the fields given change; the reason is required."""

    reason = serializers.CharField(max_length=2000, help_text="Why the plan is corrected.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)
        # partial makes every field optional; the reason never is.
        self.fields["reason"].required = True

    def validate(self, attrs):
        if "reason" not in attrs:
            raise serializers.ValidationError({"reason": ["Give the reason for the correction."]})
        return attrs


# --- Conference requests -----------------------------------------------------------------------------------------


class RequestListQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.choices, required=False)


class RequestSerializer(serializers.Serializer):
    PLAIN_FIELDS = ("id", "state", "created_at", "submitted_at", "stage_entered_at")

    id = serializers.IntegerField()
    child = serializers.CharField(source="child.local_child_id")
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField(source="get_state_display")
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    stage_entered_at = serializers.DateTimeField()


class RequestDetailSerializer(RequestSerializer):
    version = serializers.IntegerField(help_text="Send it back as expected_version when you act on the request.")
    reason = serializers.CharField()
    proposed_categories = serializers.ListField(child=serializers.CharField())
    proposed_factors = serializers.ListField(child=serializers.CharField())
    proposed_services = serializers.ListField(child=serializers.CharField())
    plan_number = serializers.IntegerField(allow_null=True)
    required_steps = serializers.ListField(child=serializers.CharField())
    steps = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each required step with what it still lacks (empty: done).",
    )
    available_transitions = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(ACTIONS)), help_text="What the caller may do now."
    )
    missing = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For each available transition, what it still needs (empty: it can be taken now).",
    )
    assessment_problem = serializers.CharField(allow_null=True)


class TransitionSerializer(serializers.Serializer):
    """The facts of every transition; each transition reads its own (see docs/api.md), the others are ignored."""

    expected_version = serializers.IntegerField(min_value=0, help_text="The version the caller last read.")
    sources_checked = serializers.ListField(
        child=serializers.ChoiceField(choices=HistorySource.choices), required=False
    )
    alternatives_considered = serializers.ListField(
        child=serializers.ChoiceField(choices=AlternativeRoute.choices), required=False
    )
    route = serializers.ChoiceField(choices=AlternativeRoute.choices, required=False)
    rationale = serializers.CharField(required=False, max_length=10000)
    questions = serializers.CharField(required=False, max_length=10000)
    reason = serializers.CharField(required=False, max_length=10000)
    grounds = serializers.ListField(child=serializers.ChoiceField(choices=HeadOfServiceGround.choices), required=False)
    held_on = bounded_date_field(required=False)
    outcome = serializers.ChoiceField(
        choices=ConferenceOutcome.choices, required=False, help_text="record_conference: what the conference decided."
    )
    category = serializers.ChoiceField(
        choices=CATEGORY_CHOICES, required=False, help_text="record_conference, for a plan: its category of abuse."
    )
    first_review_due = bounded_date_field(
        required=False, help_text="record_conference, for a plan: by default the last working day within 3 months."
    )
    chair = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(staff__role=Role.CP_CHAIR),
        required=False,
        help_text="record_conference, for a plan: the CP chair's username (by default the caller).",
    )
    late_reason = serializers.CharField(
        required=False,
        max_length=10000,
        help_text="record_conference: why it was held outside 15 working days of the strategy discussion.",
    )

    # The facts each transition must be given, as service keyword arguments (name in the body: keyword).
    FACTS = {
        "submit": {},
        "confirm_previous_plan": {"sources_checked": "sources_checked"},
        "confirm_no_previous_plan": {"sources_checked": "sources_checked"},
        "proceed": {"alternatives_considered": "alternatives_considered", "rationale": "rationale"},
        "choose_alternative_route": {"route": "route", "rationale": "rationale"},
        "return_for_information": {"questions": "questions"},
        "decline": {"reason": "reason"},
        "accept": {},
        "agree": {"grounds": "grounds", "rationale": "rationale"},
        "refuse": {"reason": "reason"},
        "record_conference": {"held_on": "held_on", "outcome": "outcome"},
        "withdraw": {"reason": "reason"},
    }
    OPTIONAL = {
        "choose_alternative_route": {"alternatives_considered": "alternatives_considered"},
        "record_conference": {
            "category": "category",
            "first_review_due": "first_review_due",
            "chair": "chair",
            "late_reason": "late_reason",
        },
    }

    def __init__(self, *args, transition: str = "submit", **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition

    def validate(self, attrs):
        missing = {name: ["This field is required."] for name in self.FACTS[self.transition] if name not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        return attrs

    def facts(self) -> dict:
        data = self.validated_data
        wanted = {**self.FACTS[self.transition], **self.OPTIONAL.get(self.transition, {})}
        facts = {keyword: data[name] for name, keyword in wanted.items() if name in data}
        if self.transition == "choose_alternative_route":
            facts.setdefault("alternatives_considered", [])
        return facts


class TransitionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    transition = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    version = serializers.IntegerField()


# --- Assessment and indicators ------------------------------------------------------------------------------------


class AssessmentPlanInputSerializer(serializers.Serializer):
    start = bounded_date_field()
    end = bounded_date_field(required=False, allow_null=True)
    categories = serializers.ListField(child=serializers.CharField())
    factors = serializers.ListField(child=serializers.CharField(), required=False)
    services = serializers.ListField(child=serializers.CharField(), required=False)
    outstanding_actions_at_closure = serializers.BooleanField(required=False)
    core_group_actions_not_implemented = serializers.BooleanField(required=False)


class AssessmentProposalInputSerializer(serializers.Serializer):
    categories = serializers.ListField(child=serializers.CharField())
    factors = serializers.ListField(child=serializers.CharField(), required=False)
    services = serializers.ListField(child=serializers.CharField(), required=False)


class AssessmentInputSerializer(serializers.Serializer):
    """Exactly what `manage.py assess` reads (for the schema: the body is read by the command's own parser)."""

    on_date = bounded_date_field()
    plans = AssessmentPlanInputSerializer(many=True)
    proposal = AssessmentProposalInputSerializer()
    siblings = serializers.IntegerField(required=False, min_value=0)


class IndicatorQuerySerializer(serializers.Serializer):
    service_area = serializers.CharField(required=False, max_length=100, help_text="A service area's name.")

    def validate(self, attrs):
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": ["The last day of the period must be on or after the first."]})
        return attrs


# `from` and `to` are the command's words; `from` is a Python keyword, so these are added by name.
IndicatorQuerySerializer._declared_fields.update(
    {
        "from": bounded_date_field(help_text="First day of the period (YYYY-MM-DD)."),
        "to": bounded_date_field(help_text="Last day of the period (YYYY-MM-DD)."),
    }
)


# --- The trail ----------------------------------------------------------------------------------------------------


class TrailQuerySerializer(serializers.Serializer):
    child = serializers.CharField(required=False, max_length=36, help_text="A child's local child ID.")
    person = serializers.CharField(required=False, max_length=150, help_text="A username.")

    def validate(self, attrs):
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": ["The last day must be on or after the first."]})
        return attrs


TrailQuerySerializer._declared_fields.update(
    {
        "from": bounded_date_field(required=False, help_text="From this day (UK time), included."),
        "to": bounded_date_field(required=False, help_text="To this day (UK time), included."),
    }
)


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)
    child = serializers.CharField(source="child.local_child_id", default=None, allow_null=True)
    request = serializers.IntegerField(source="request_id", allow_null=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "action", "description", "child", "request", "state_before", "state_after"]
        fields += ["before", "after"]


class RecordAccessSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="user.username", default=None, allow_null=True)
    child = serializers.CharField(source="child.local_child_id", default=None, allow_null=True)

    class Meta:
        model = RecordAccess
        fields = ["id", "at", "person", "child", "children", "path"]
