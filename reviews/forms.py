"""The review conference's forms. They turn what was typed into values; reviews/services.py decides what is
missing, so a refusal comes back on the form with what was typed kept."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from crispy_forms_gds.widgets import DateInputWidget
from django import forms

from cases.models import HowPlanEnded
from conferences.forms import UKDateField
from limits.text import long_text
from reviews.models import STEP_DOWN_ENDINGS, ReviewDecision

YES_NO = [("yes", "Yes"), ("no", "No")]


class ReviewForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.MEDIUM
        self.helper.legend_size = Size.MEDIUM
        self.helper.layout = Layout(*self.layout_fields())

    def layout_fields(self):
        return [
            Field.textarea(name, rows=5) if isinstance(field.widget, forms.Textarea) else name
            for name, field in self.fields.items()
        ]


class RecordReviewForm(ReviewForm):
    held_on = UKDateField(
        label="Date of the review conference",
        not_in_future=True,
        widget=DateInputWidget,
        help_text="For example, 27 3 2026",
    )
    decision = forms.ChoiceField(
        label="What did the review conference decide?",
        choices=ReviewDecision.choices,
        required=False,
        widget=forms.RadioSelect,
    )


class StepDownActionForm(ReviewForm):
    action = long_text("What is still to be done?", rows=3)
    owner = forms.CharField(
        label="Who owns it under the step-down plan?",
        help_text="A person or a service, for example the family hub",
        required=False,
        max_length=200,
    )
    due_by = UKDateField(label="By when?", widget=DateInputWidget, help_text="For example, 27 3 2026")


def _how_ended_choices():
    order = [*STEP_DOWN_ENDINGS, *(choice for choice in HowPlanEnded if choice not in STEP_DOWN_ENDINGS)]
    return [(choice.value, choice.label) for choice in order]


class StepDownPlanForm(ReviewForm):
    how_ended = forms.ChoiceField(
        label="What follows the plan?",
        help_text="The step-down plan: a Child in Need plan or early help, or how else the plan ends",
        choices=_how_ended_choices,
        required=False,
        widget=forms.RadioSelect,
    )
    core_group_implemented = forms.ChoiceField(
        label="Did the core group put the plan's services and actions in place?",
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )

    def core_group_actions_not_implemented(self) -> bool | None:
        answer = self.cleaned_data.get("core_group_implemented")
        return None if not answer else answer == "no"


class ProposeEndingForm(ReviewForm):
    reason = long_text("Why should the plan end?", help_text="The CP Manager reads this beside the step-down signals")


class AgreementForm(ReviewForm):
    agree = forms.ChoiceField(
        label="Do you agree that the plan ends?",
        choices=[("yes", "Yes, the plan ends"), ("no", "No, the plan continues")],
        required=False,
        widget=forms.RadioSelect,
    )
    reason = long_text("Your reason")
