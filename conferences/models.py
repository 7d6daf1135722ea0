"""Conference requests, the facts each stage records, and challenge and resolution.

The request's stage lives in one protected FSM field; it changes only through the service
functions in conferences/transitions.py, which lock the row, check who is acting and what the
rules require, and write the audit event. The transitions themselves are declared once in
conferences/actions.py and the states in conferences/stages.py; this module builds the state
machines from them.
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
from conferences.actions import ACTIONS, CHALLENGE_STEPS
from conferences.stages import OPEN_STATES, ChallengeState, State

# R9: the timescale within which a plan is expected to reduce the risk, in weeks (two years at most).
SCREENING_TIMESCALE_WEEKS = range(1, 104 + 1)


class AlternativeRoute(models.TextChoices):
    LEGAL_PLANNING = "legal_planning", "Legal planning meeting"
    PRE_PROCEEDINGS = "pre_proceedings", "Pre-proceedings (Public Law Outline)"
    CHILD_IN_NEED = "child_in_need", "Child in Need planning"


class ConferenceOutcome(models.TextChoices):
    """What the initial conference decided: a CP plan, or which plan instead."""

    CP_PLAN = "cp_plan", "A child protection plan"
    CIN_PLAN = "cin_plan", "No child protection plan: a Child in Need plan"
    NO_FURTHER_ACTION = "no_further_action", "No child protection plan: no further action"


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


def _requirements_met(action):
    """The FSM's condition hook asks the declaration what the transition still needs."""

    def check(instance):
        return not action.missing(instance)

    check.__name__ = f"requirements_for_{action.name}"
    return check


def _request_transition(action):
    """The FSM method of one declared transition: where it may go from, where to, and its two hooks."""

    def take(self, *args):
        # Several targets: the declaration's route picks one from the service's arguments.
        return action.route(*args) if action.route else None

    take.__name__ = take.__qualname__ = action.name
    take.__doc__ = action.trail
    target = RETURN_VALUE(*action.targets) if action.route else action.target
    return transition(
        field="state",
        source=list(action.source),
        target=target,
        conditions=[_requirements_met(action)],
        permission=_permitted(action.name),
    )(take)


def _challenge_step(step):
    def take(self):
        pass

    take.__name__ = take.__qualname__ = step.name
    take.__doc__ = step.trail
    return transition(field="state", source=list(step.source), target=step.target)(take)


# The state machines, built from conferences/actions.py: a transition is declared there, never here.
# Call them only through conferences.transitions and conferences.records, never directly.
RequestTransitions = type(
    "RequestTransitions", (), {name: _request_transition(action) for name, action in ACTIONS.items()}
)
ChallengeSteps = type("ChallengeSteps", (), {name: _challenge_step(step) for name, step in CHALLENGE_STEPS.items()})


@tracked
class ConferenceRequest(ConcurrentTransitionMixin, RequestTransitions, models.Model):
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

    # The screening decision's day: the conference cannot come before it.
    screened_at = models.DateTimeField(null=True, blank=True)

    # The initial conference and its outcome. A plan made there is the child's CP plan (`plan`), written to
    # their history by the same action, so the indicators and the next request see it.
    conference_held_on = models.DateField(null=True, blank=True)
    conference_outcome = models.CharField(max_length=20, choices=ConferenceOutcome.choices, blank=True)
    plan_category = models.CharField(
        "the plan's category of abuse (initial)", max_length=3, choices=CATEGORY_CHOICES, blank=True
    )
    conference_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_review_due = models.DateField("first review conference by", null=True, blank=True)
    conference_late_reason = models.TextField(
        "why the conference was held outside 15 working days of the strategy discussion", blank=True
    )
    plan = models.OneToOneField(
        "cases.CPPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="conference_request"
    )

    # The assessment the request rests on, stored when it is submitted and made stricter (never
    # laxer) each time the prior-plan check is confirmed after the child's history changed
    # (conferences/history_changes.py): a later correction can add a gate, never remove one.
    assessed_at_submission = models.JSONField(default=dict, blank=True, editable=False)
    # When the child's CP plan history last changed after submission, and what changed; cleared when
    # the prior-plan check is confirmed again. Until then the request goes no further.
    history_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    history_change = models.TextField("what changed in the child's plan history", blank=True, editable=False)

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

    @property
    def is_open(self):
        return self.state in OPEN_STATES


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


class ChallengeTrigger(models.TextChoices):
    OUTSTANDING_ACTIONS = "outstanding_actions_at_closure", "Case closed with actions outstanding"
    CORE_GROUP = "core_group_actions_not_implemented", "Core group did not implement services or actions"
    STEPPED_DOWN_EARLY = "stepped_down_early", "Previous plan stepped down too early"


@tracked
class Challenge(ConcurrentTransitionMixin, ChallengeSteps, models.Model):
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


class QueueFacts(models.Model):
    """What the dashboards filter and sort an open request on, kept beside it (conferences/queue.py).

    The assessment is worked out in Python, so a queue of a thousand requests cannot be filtered on a
    flag or sorted by plan number in the database unless the facts are stored. They are stored here,
    not on the request, so that keeping them raises neither the request's version (which would refuse
    the forms people have open) nor its row history.
    """

    request = models.OneToOneField(
        ConferenceRequest, on_delete=models.CASCADE, primary_key=True, related_name="queue_facts"
    )
    # None when the history cannot be assessed: the row still shows, sorted as plan 0, with no flag.
    plan_number = models.PositiveSmallIntegerField(null=True)
    # The Assessment attributes that are true, of those a dashboard filters on (presenters.FLAGS).
    flags = ArrayField(models.CharField(max_length=40), default=list)
    # The date the clock that runs out first is due (conferences.timescales.current_deadline).
    due_on = models.DateField(null=True)
    # The day they were worked out: the flags that depend on the date are worked out again each night.
    assessed_on = models.DateField()

    class Meta:
        verbose_name_plural = "queue facts"

    def __str__(self):
        return f"Queue facts of request {self.request_id}"


class Draft(models.Model):
    """Text a person typed on a decision page or a section of the request and has not saved yet: theirs alone,
    one per field, until they save.

    Drafts are not records: they never change the request's version, are seen by no one else and are
    deleted when the person saves the form they belong to. `version` is the request's version the text
    was typed against, so a draft restored later shows what changed since.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(ConferenceRequest, on_delete=models.CASCADE, related_name="drafts")
    # The form field's name after its form's: "screening-difference", "repeat-risks".
    field = models.CharField(max_length=100)
    text = models.TextField()
    version = models.PositiveIntegerField()
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "request", "field"], name="one_draft_per_field")]

    def __str__(self):
        return f"Draft of {self.field} on request {self.request_id}"


class SavedForm(models.Model):
    """The request's version after a person last saved one form of it (conferences/drafts.py): a draft typed
    on an older version of that form was typed on a page they have since saved, so it is not kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(ConferenceRequest, on_delete=models.CASCADE, related_name="+")
    form = models.CharField(max_length=100)  # the prefix of its drafts' fields: "screening", "repeat"
    version = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "request", "form"], name="one_last_save_per_form")]

    def __str__(self):
        return f"{self.form} of request {self.request_id} saved at version {self.version}"
