"""The forms of the decision pages: the manager's, the CP chair's, the CP Manager's and the Head of Service's.

The forms only turn what was typed into values; they do not decide what a decision needs. Their
fields are optional so that the business actions (conferences/transitions.py and records.py) say
what is missing, in the words of conferences/requirements.py, and the page lists those problems.
Each form carries the stage and the version the person saw (`expected_state`, `expected_version`), so
that a decision taken on a page that has gone stale is refused rather than applied to a request that
has moved on, or come round to the same stage again.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from crispy_forms_gds.widgets import DateInputWidget
from django import forms

from conferences import actions
from conferences.forms import UKDateField, typed_answers
from conferences.models import SCREENING_TIMESCALE_WEEKS, AlternativeRoute, ChallengeTrigger, HeadOfServiceGround
from limits.text import long_text

TEXTAREA_ROWS = 5
# What the person saw, sent back with every decision: the stage and the version of the request.
GUARDS = ("expected_state", "expected_version")


def _text(label, help_text=""):
    return long_text(label, help_text=help_text, rows=TEXTAREA_ROWS)


# Each action's form, by the action's name: the decision and challenge pages offer these.
FORMS = {}


class DecisionForm(forms.Form):
    """A form for one declared action (conferences/actions.py): its name is the `action` of the page's POST
    and the form's prefix; its heading, button and warning are the declaration's."""

    declaration = None
    action = ""
    title = ""
    submit_label = ""
    warning = False
    expected_state = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": "The page was out of date. Look at the request again before you act."},
    )
    expected_version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "The page was out of date. Look at the request again before you act."},
    )

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        declared = cls.declaration
        if declared is None:  # a kind of form (ChallengeStepForm), not one action's
            return
        cls.action, cls.title, cls.submit_label = declared.name, declared.title, declared.button
        cls.warning = getattr(declared, "warning", False)
        FORMS[declared.name] = cls

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(*self.layout_fields(), *(name for name in GUARDS if name in self.fields))

    def layout_fields(self):
        return [
            Field.textarea(name, rows=TEXTAREA_ROWS) if isinstance(field.widget, forms.Textarea) else name
            for name, field in self.fields.items()
            if name not in GUARDS
        ]

    @classmethod
    def draftable(cls) -> list[str]:
        """The long answers, which are kept as drafts while the person types (conferences/drafts.py)."""
        return [name for name, field in cls.base_fields.items() if isinstance(field.widget, forms.Textarea)]

    def typed(self) -> list[tuple[str, str]]:
        return typed_answers(self)

    def service_kwargs(self) -> dict:
        """The keyword arguments of the business action, from the cleaned data."""
        return {name: value for name, value in self.cleaned_data.items() if name not in GUARDS}

    def submit_id(self) -> str:
        return f"{self.prefix}-submit"

    def first_input_id(self) -> str:
        """Where the error summary links a problem that is not about one field: the form's first input."""
        for bound in self.visible_fields():
            widget = bound.field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                return f"{bound.auto_id}_1"  # crispy-forms-gds numbers the choices from 1
            if isinstance(widget, forms.MultiWidget):
                return f"{bound.auto_id}_0"
            return bound.auto_id
        return self.submit_id()


class ProceedForm(DecisionForm):
    declaration = actions.PROCEED
    alternatives_considered = forms.MultipleChoiceField(
        label="Alternatives considered",
        choices=AlternativeRoute.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select every alternative you discussed with the worker.",
    )
    rationale = _text(
        "Rationale for another child protection plan",
        "This is recorded on the child's file as the Service Manager's rationale.",
    )

    def layout_fields(self):
        return [Field.checkboxes("alternatives_considered"), Field.textarea("rationale", rows=TEXTAREA_ROWS)]


class AlternativeRouteForm(DecisionForm):
    declaration = actions.CHOOSE_ALTERNATIVE_ROUTE
    route = forms.ChoiceField(
        label="Route chosen", choices=AlternativeRoute.choices, required=False, widget=forms.RadioSelect
    )
    alternatives_considered = forms.MultipleChoiceField(
        label="Other alternatives considered",
        choices=AlternativeRoute.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rationale = _text("Rationale for the decision")

    def layout_fields(self):
        return [
            Field.radios("route"),
            Field.checkboxes("alternatives_considered"),
            Field.textarea("rationale", rows=TEXTAREA_ROWS),
        ]


class WithdrawForm(DecisionForm):
    declaration = actions.WITHDRAW
    reason = _text("Reason for withdrawing the request")


class ScreeningForm(DecisionForm):
    declaration = actions.SCREENING
    difference = _text(
        "Difference the plan will make compared with the alternatives",
        "For example compared with legal advice or pre-proceedings.",
    )
    timescale_weeks = forms.IntegerField(
        label="Timescale in weeks",
        required=False,
        min_value=SCREENING_TIMESCALE_WEEKS[0],
        max_value=SCREENING_TIMESCALE_WEEKS[-1],
        help_text="Within how many weeks the plan is expected to reduce the risk.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "Enter the timescale as a whole number of weeks."},
    )

    def layout_fields(self):
        return [Field.textarea("difference", rows=TEXTAREA_ROWS), Field.text("timescale_weeks", field_width=4)]


class ConsultationForm(DecisionForm):
    declaration = actions.CP_MANAGER_CONSULTATION
    consultation = _text(
        "Consultation with the CP Manager",
        "What was discussed, and the CP Manager's view (close scrutiny where it applies).",
    )


class ChairConversationForm(DecisionForm):
    declaration = actions.CP_CHAIR_CONVERSATION
    held_on = UKDateField(
        label="The date of the conversation",
        widget=DateInputWidget,
        not_in_future=True,
        help_text="For example, 27 3 2026",
    )
    conversation = _text(
        "What was discussed",
        "How the conference will be run, why returning to child protection is right, what worked and what did "
        "not, and how to engage the family.",
    )

    def layout_fields(self):
        return ["held_on", Field.textarea("conversation", rows=TEXTAREA_ROWS)]


class ChallengeForm(DecisionForm):
    declaration = actions.ISSUE_CHALLENGE
    triggers = forms.MultipleChoiceField(
        label="What the challenge is about",
        choices=ChallengeTrigger.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Pre-selected from the child's plan history.",
    )
    challenge = _text("The challenge")
    response_due = UKDateField(label="Response due by", widget=DateInputWidget, help_text="For example, 27 3 2026")

    def layout_fields(self):
        return [Field.checkboxes("triggers"), Field.textarea("challenge", rows=TEXTAREA_ROWS), "response_due"]


class ChallengeNotIssuedForm(DecisionForm):
    declaration = actions.CHALLENGE_NOT_ISSUED
    reason = _text(
        "Why a challenge and resolution is not issued",
        "The child's plan history shows a reason for challenge: say why you decide not to issue one.",
    )


class AcceptForm(DecisionForm):
    declaration = actions.ACCEPT


class DeclineForm(DecisionForm):
    declaration = actions.DECLINE
    reason = _text("Reason for declining")


class ReturnForm(DecisionForm):
    declaration = actions.RETURN_FOR_INFORMATION
    questions = _text("Questions the worker must answer")


class AgreeForm(DecisionForm):
    declaration = actions.AGREE
    grounds = forms.MultipleChoiceField(
        label="Grounds",
        choices=HeadOfServiceGround.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A third or later plan is agreed only on one or both of these grounds.",
    )
    rationale = _text("Rationale")

    def layout_fields(self):
        return [Field.checkboxes("grounds"), Field.textarea("rationale", rows=TEXTAREA_ROWS)]


class RefuseForm(DecisionForm):
    declaration = actions.REFUSE
    reason = _text("Reason for refusing")


class ChallengeStepForm(DecisionForm):
    """A step of the challenge's own lifecycle: guarded by the challenge's state, not the request's version.

    It still carries the request's version the person saw (a challenge's step raises it): not to refuse the
    step when the request moves on beside the challenge, but so that a draft or a conflict shows what
    changed since.
    """


class ChallengeResponseForm(ChallengeStepForm):
    declaration = actions.RESPOND
    response = _text("Your response to the challenge")


class ChallengeResolveForm(ChallengeStepForm):
    declaration = actions.RESOLVE
    resolution = _text("How the challenge was resolved")


class ChallengeEscalateForm(ChallengeStepForm):
    declaration = actions.ESCALATE
    resolution = _text("Why the challenge is escalated, and to whom")


class DashboardFilterForm(forms.Form):
    """The dashboard's GET parameters; anything unknown is ignored rather than refused."""

    SORTS = {
        "due": "Due",
        "waiting": "Days waiting",
        "plan": "Plan number",
        "child": "Child's name",
    }

    stage = forms.ChoiceField(label="Stage", required=False)
    flag = forms.ChoiceField(label="Flag", required=False)
    team = forms.ChoiceField(label="Team", required=False)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for name in SORTS for key in (name, f"-{name}")])

    def __init__(self, *args, stages=(), flags=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "All stages"), *stages]
        self.fields["flag"].choices = [("", "Any"), *flags]
        self.fields["team"].choices = [("", "All teams"), *teams]

    def value(self, name):
        """The cleaned value, or blank when it was missing or not one of the choices."""
        self.is_valid()
        return self.cleaned_data.get(name) or ""
