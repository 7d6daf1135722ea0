"""Conference requests, the facts each stage records, and challenge and resolution.

The request's stage lives in one protected FSM field; it changes only through the service
functions in conferences/transitions.py, which lock the row, check who is acting and what the
rules require (conferences/requirements.py), and write the audit event.
"""

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from audit.history import tracked
from cases.codes import CATEGORY_CHOICES
from cases.models import Child


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    PRIOR_PLAN_CHECK = "prior_plan_check", "Prior-plan check"
    MANAGER_DISCUSSION = "manager_discussion", "Manager discussion"
    CPC_SCREENING = "cpc_screening", "CP chair screening"
    HEAD_OF_SERVICE_SIGNOFF = "head_of_service_signoff", "Head of Service sign-off"
    READY_TO_CONVENE = "ready_to_convene", "Ready to convene"
    CONVENED = "convened", "Conference held"
    CLOSED_ALTERNATIVE_ROUTE = "closed_alternative_route", "Closed: alternative route"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATES = [
    State.DRAFT,
    State.PRIOR_PLAN_CHECK,
    State.MANAGER_DISCUSSION,
    State.CPC_SCREENING,
    State.HEAD_OF_SERVICE_SIGNOFF,
    State.READY_TO_CONVENE,
]


class AlternativeRoute(models.TextChoices):
    LEGAL_PLANNING = "legal_planning", "Legal planning meeting"
    PRE_PROCEEDINGS = "pre_proceedings", "Pre-proceedings (Public Law Outline)"
    CHILD_IN_NEED = "child_in_need", "Child in Need planning"


class HistorySource(models.TextChoices):
    THIS_COUNCIL = "this_council", "This council's records"
    OTHER_COUNCILS = "other_councils", "Other councils / CP-IS"


class HeadOfServiceGround(models.TextChoices):
    RISKS_DIFFERENT = "risks_significantly_different", "The risks are significantly different"
    CIRCUMSTANCES_CHANGED = (
        "circumstances_substantially_changed",
        "The child's circumstances have substantially changed",
    )


def _permitted(name):
    """The FSM's permission hook asks conferences.permissions, the one place for who may act."""

    def check(instance, user):
        from conferences.permissions import may_transition

        return may_transition(user, instance, name)

    return check


def _requirements_met(name):
    """The FSM's condition hook asks conferences.requirements, the one place for what a step needs."""

    def check(instance):
        from conferences.requirements import missing_for

        return not missing_for(instance, name)

    check.__name__ = f"requirements_for_{name}"
    return check


@tracked
class ConferenceRequest(ConcurrentTransitionMixin, models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="conference_requests")
    state = FSMField(default=State.DRAFT, choices=State.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conference_requests_created"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    stage_entered_at = models.DateTimeField(default=timezone.now)

    # The proposal (submit).
    reason = models.TextField("reason for the request", blank=True)
    strategy_discussion_date = models.DateField(null=True, blank=True)
    proposed_categories = ArrayField(models.CharField(max_length=3, choices=CATEGORY_CHOICES), default=list, blank=True)
    proposed_factors = ArrayField(models.CharField(max_length=3), default=list, blank=True)

    # R1: the prior-plan check.
    sources_checked = ArrayField(
        models.CharField(max_length=20, choices=HistorySource.choices), default=list, blank=True
    )
    prior_plan_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prior_plan_checked_at = models.DateTimeField(null=True, blank=True)

    # R2 and R8: the Area/Service Manager discussion and the rationale on the child's file.
    alternatives_considered = ArrayField(
        models.CharField(max_length=20, choices=AlternativeRoute.choices), default=list, blank=True
    )
    manager_rationale = models.TextField(blank=True)
    alternative_route = models.CharField(max_length=20, choices=AlternativeRoute.choices, blank=True)
    manager_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_decided_at = models.DateTimeField(null=True, blank=True)

    # R3: partners told at the strategy discussion.
    partners_informed_on = models.DateField(null=True, blank=True)
    partners_informed_context = models.TextField(
        "timeframe and context of the previous plan as shared with partners", blank=True
    )

    # R4-R7: the four-point analysis.
    analysis_time_since = models.TextField("time since the previous plan ended", blank=True)
    analysis_plan_length = models.TextField("length of the previous plan", blank=True)
    analysis_risks = models.TextField("same or new risks", blank=True)
    analysis_services = models.TextField("services: what was done and what will be different", blank=True)

    # R13: the worker's conversation with the CP chair.
    cp_chair_conversation = models.TextField(blank=True)
    cp_chair_conversation_on = models.DateField(null=True, blank=True)

    # R14: the CP chair's consultation with the CP Manager.
    cp_manager_consultation = models.TextField(blank=True)
    cp_manager_consulted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # R9: the screening discussion between the CPC and the worker.
    screening_difference = models.TextField("difference the plan will make compared with alternatives", blank=True)
    screening_timescale_weeks = models.PositiveSmallIntegerField(
        "weeks within which the plan is expected to reduce the risk", null=True, blank=True
    )
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # R11: where triggers exist and no challenge is issued, why not.
    challenge_not_issued_reason = models.TextField(blank=True)

    # R10: the Head of Service's decision on a third or later plan.
    head_of_service_grounds = ArrayField(
        models.CharField(max_length=40, choices=HeadOfServiceGround.choices), default=list, blank=True
    )
    head_of_service_rationale = models.TextField(blank=True)
    head_of_service_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # The last decline, refusal, return or withdrawal, and the chair's questions on a return.
    decision_reason = models.TextField(blank=True)
    returned_questions = models.TextField(blank=True)

    conference_held_on = models.DateField(null=True, blank=True)

    # What a person saw: every change to the request or to a fact recorded on it raises this, by
    # trigger, so a form sent against an older version is refused (conferences/transitions.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state"])]
        triggers = [
            pgtrigger.Trigger(
                name="next_version",
                operation=pgtrigger.Update,
                when=pgtrigger.Before,
                condition=pgtrigger.Condition("OLD.* IS DISTINCT FROM NEW.*"),
                func="NEW.version := OLD.version + 1; RETURN NEW;",
            )
        ]

    def __str__(self):
        return f"Request {self.pk} for {self.child}"

    # The transitions. Call them only through conferences.transitions, never directly.

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.PRIOR_PLAN_CHECK,
        conditions=[_requirements_met("submit")],
        permission=_permitted("submit"),
    )
    def submit(self):
        pass

    @transition(
        field=state,
        source=State.PRIOR_PLAN_CHECK,
        target=State.READY_TO_CONVENE,
        conditions=[_requirements_met("confirm_no_previous_plan")],
        permission=_permitted("confirm_no_previous_plan"),
    )
    def confirm_no_previous_plan(self):
        pass

    @transition(
        field=state,
        source=State.PRIOR_PLAN_CHECK,
        target=State.MANAGER_DISCUSSION,
        conditions=[_requirements_met("confirm_previous_plan")],
        permission=_permitted("confirm_previous_plan"),
    )
    def confirm_previous_plan(self):
        pass

    @transition(
        field=state,
        source=State.MANAGER_DISCUSSION,
        target=State.CLOSED_ALTERNATIVE_ROUTE,
        conditions=[_requirements_met("choose_alternative_route")],
        permission=_permitted("choose_alternative_route"),
    )
    def choose_alternative_route(self):
        pass

    @transition(
        field=state,
        source=State.MANAGER_DISCUSSION,
        target=State.CPC_SCREENING,
        conditions=[_requirements_met("proceed")],
        permission=_permitted("proceed"),
    )
    def proceed(self):
        pass

    @transition(
        field=state,
        source=State.CPC_SCREENING,
        target=State.DRAFT,
        conditions=[_requirements_met("return_for_information")],
        permission=_permitted("return_for_information"),
    )
    def return_for_information(self):
        pass

    @transition(
        field=state,
        source=State.CPC_SCREENING,
        target=State.DECLINED,
        conditions=[_requirements_met("decline")],
        permission=_permitted("decline"),
    )
    def decline(self):
        pass

    @transition(
        field=state,
        source=State.CPC_SCREENING,
        target=RETURN_VALUE(State.READY_TO_CONVENE, State.HEAD_OF_SERVICE_SIGNOFF),
        conditions=[_requirements_met("accept")],
        permission=_permitted("accept"),
    )
    def accept(self, plan_number: int):
        return State.HEAD_OF_SERVICE_SIGNOFF if plan_number >= 3 else State.READY_TO_CONVENE

    @transition(
        field=state,
        source=State.HEAD_OF_SERVICE_SIGNOFF,
        target=State.READY_TO_CONVENE,
        conditions=[_requirements_met("agree")],
        permission=_permitted("agree"),
    )
    def agree(self):
        pass

    @transition(
        field=state,
        source=State.HEAD_OF_SERVICE_SIGNOFF,
        target=State.DECLINED,
        conditions=[_requirements_met("refuse")],
        permission=_permitted("refuse"),
    )
    def refuse(self):
        pass

    @transition(
        field=state,
        source=State.READY_TO_CONVENE,
        target=State.CONVENED,
        conditions=[_requirements_met("record_conference")],
        permission=_permitted("record_conference"),
    )
    def record_conference(self):
        pass

    @transition(
        field=state,
        source=OPEN_STATES,
        target=State.WITHDRAWN,
        conditions=[_requirements_met("withdraw")],
        permission=_permitted("withdraw"),
    )
    def withdraw(self):
        pass

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @staticmethod
    def open_states():
        return OPEN_STATES


def raises_request_version():
    """A fact recorded beside the request (a service, a sibling decision, a challenge) is a new version of it."""
    return pgtrigger.Trigger(
        name="raises_request_version",
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        when=pgtrigger.After,
        func=(
            "UPDATE conferences_conferencerequest SET version = version + 1 "
            "WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.request_id ELSE NEW.request_id END); RETURN NULL;"
        ),
    )


class ConferenceRequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(ConferenceRequest, on_delete=models.CASCADE)


class ConferenceRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ConferenceRequest, on_delete=models.CASCADE)


@tracked
class ProposedService(models.Model):
    """A service proposed for the new plan. Repeating one needs a rationale and the impact expected (R7)."""

    request = models.ForeignKey(ConferenceRequest, on_delete=models.CASCADE, related_name="proposed_services")
    name = models.CharField(max_length=200)
    repeat_rationale = models.TextField("why repeat it", blank=True)
    expected_impact = models.TextField("impact expected on sustaining change", blank=True)
    provision_gap = models.TextField("gap in provision, if any", blank=True)
    gap_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gap_resolve_by = models.DateField(null=True, blank=True)
    gap_caused_by_partner_agency = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["request", "name"], name="proposed_service_unique")]
        triggers = [raises_request_version()]

    def __str__(self):
        return self.name


@tracked
class SiblingDecision(models.Model):
    """Whether each other child in the family should also be subject of the conference (R12)."""

    request = models.ForeignKey(ConferenceRequest, on_delete=models.CASCADE, related_name="sibling_decisions")
    sibling = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    include_in_conference = models.BooleanField()
    reason = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "sibling"], name="sibling_decision_unique")]
        triggers = [raises_request_version()]

    def __str__(self):
        return f"{self.sibling}: {'include' if self.include_in_conference else 'not included'}"


class ChallengeState(models.TextChoices):
    ISSUED = "issued", "Issued, response due"
    RESPONDED = "responded", "Responded"
    RESOLVED = "resolved", "Resolved"
    ESCALATED = "escalated", "Escalated"


class ChallengeTrigger(models.TextChoices):
    OUTSTANDING_ACTIONS = "outstanding_actions_at_closure", "Case closed with actions outstanding"
    CORE_GROUP = "core_group_actions_not_implemented", "Core group did not implement services or actions"
    STEPPED_DOWN_EARLY = "stepped_down_early", "Previous plan stepped down too early"


@tracked
class Challenge(ConcurrentTransitionMixin, models.Model):
    """The CPC's challenge and resolution (R11). It runs beside the request and never holds up the conference."""

    request = models.ForeignKey(ConferenceRequest, on_delete=models.PROTECT, related_name="challenges")
    state = FSMField(default=ChallengeState.ISSUED, choices=ChallengeState.choices, protected=True)
    triggers = ArrayField(models.CharField(max_length=40, choices=ChallengeTrigger.choices), default=list)
    challenge = models.TextField("the challenge")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    response_due = models.DateField()
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        triggers = [raises_request_version()]

    def __str__(self):
        return f"Challenge {self.pk} on request {self.request_id}"

    @transition(field=state, source=ChallengeState.ISSUED, target=ChallengeState.RESPONDED)
    def respond(self):
        pass

    @transition(field=state, source=ChallengeState.RESPONDED, target=ChallengeState.RESOLVED)
    def resolve(self):
        pass

    @transition(field=state, source=[ChallengeState.ISSUED, ChallengeState.RESPONDED], target=ChallengeState.ESCALATED)
    def escalate(self):
        pass
