"""Review conferences on a current CP plan, and the record of ending one.

A review conference decides to continue the plan or to end it. Ending walks the step-down check
(conferences/step_down.py): the step-down plan and each outstanding action's owner are recorded,
the signals are shown beside the decision, and when any is present the CP Manager, a second
person, must agree. The plan's end date, how it ended and what was outstanding are written to
the plan from this record (reviews/services.py), so the next request's assessment sees them.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from audit.history import tracked
from cases.models import CPPlan, HowPlanEnded


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Continue the plan"
    END = "end", "End the plan"


class ReviewState(models.TextChoices):
    CONTINUED = "continued", "Plan continues"
    PREPARING = "preparing", "Ending being prepared"
    AWAITING_AGREEMENT = "awaiting_agreement", "Waiting for the CP Manager to agree the ending"
    ENDED = "ended", "Plan ended"
    NOT_AGREED = "not_agreed", "CP Manager did not agree the ending"


OPEN_ENDING_STATES = [ReviewState.PREPARING, ReviewState.AWAITING_AGREEMENT]

# How a review conference may end a plan: the step-down plan first, then the other endings.
STEP_DOWN_ENDINGS = [HowPlanEnded.STEPPED_DOWN_CIN, HowPlanEnded.STEPPED_DOWN_EARLY_HELP]


@tracked
class ReviewConference(ConcurrentTransitionMixin, models.Model):
    plan = models.ForeignKey(CPPlan, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField("date of the review conference")
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices)
    state = FSMField(default=ReviewState.PREPARING, choices=ReviewState.choices, protected=True)

    # The step-down plan and what the core group did.
    how_ended = models.CharField(max_length=30, choices=HowPlanEnded.choices, blank=True)
    core_group_actions_not_implemented = models.BooleanField(null=True, blank=True)

    # The proposal: the signals as shown beside it, and the chair's reason to end despite them.
    signals = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    chair_reason = models.TextField("why the plan should end", blank=True)
    proposed_at = models.DateTimeField(null=True, blank=True)

    # The CP Manager's agreement, when signals were present.
    cp_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cp_manager_reason = models.TextField(blank=True)
    cp_manager_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(state__in=OPEN_ENDING_STATES),
                name="one_open_ending_per_plan",
                violation_error_message="An ending of this plan is already being prepared.",
            )
        ]

    def __str__(self):
        return f"Review conference on {self.held_on} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_ENDING_STATES

    # The transitions. Call them only through reviews.services, never directly.

    @transition(
        field=state,
        source=ReviewState.PREPARING,
        target=RETURN_VALUE(ReviewState.ENDED, ReviewState.AWAITING_AGREEMENT),
    )
    def propose_ending(self, needs_cp_manager: bool):
        return ReviewState.AWAITING_AGREEMENT if needs_cp_manager else ReviewState.ENDED

    @transition(field=state, source=ReviewState.AWAITING_AGREEMENT, target=ReviewState.ENDED)
    def agree_ending(self):
        pass

    @transition(field=state, source=ReviewState.AWAITING_AGREEMENT, target=ReviewState.NOT_AGREED)
    def refuse_ending(self):
        pass


@tracked
class StepDownAction(models.Model):
    """An action still outstanding when the plan ends: who owns it under the step-down plan, and by when."""

    review = models.ForeignKey(ReviewConference, on_delete=models.CASCADE, related_name="actions")
    action = models.TextField()
    owner = models.CharField("who owns it", max_length=200)
    due_by = models.DateField("by when")

    class Meta:
        ordering = ["due_by", "pk"]

    def __str__(self):
        return self.action
