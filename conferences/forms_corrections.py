"""The correction forms: a CP plan's dates and categories (the data manager), and a fact or date recorded on a
request (the recorder's manager or the data manager). Each needs the reason; what a correction may be is
for the services (cases.plans, conferences.corrections), which refuse with messages these forms show."""

from django import forms

from cases.codes import CATEGORY_CHOICES
from cases.models import HowPlanEnded
from cases.plans import plan_version
from conferences.forms import UKDateField
from conferences.models import SCREENING_TIMESCALE_WEEKS
from limits.text import long_text

REASON_LABEL = "Why is it corrected?"
REASON_HINT = "For example, what the census return or the case file shows. The reason is kept with the original."

_CATEGORIES = [("", "Choose a category"), *CATEGORY_CHOICES]
_HOW_ENDED = [("", "Not recorded"), *HowPlanEnded.choices]


class PlanForm(forms.Form):
    """Carries the version of the plan the page was opened on (cases.plans.plan_version)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, plan, **kwargs):
        kwargs["initial"] = {"expected_version": plan_version(plan), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)

    def seen_now(self, plan):
        """After a refusal as stale: the form keeps what was typed and now carries the plan's current version."""
        self.data = self.data.copy()
        self.data[self.add_prefix("expected_version")] = plan_version(plan)


class PlanCorrectionForm(PlanForm):
    start_date = UKDateField(label="Start date", not_in_future=True, required=True)
    end_date = UKDateField(label="End date", not_in_future=True)
    initial_category = forms.ChoiceField(label="Initial category of abuse", choices=_CATEGORIES)
    latest_category = forms.ChoiceField(label="Latest category of abuse", choices=_CATEGORIES)
    how_ended = forms.ChoiceField(label="How it ended", choices=_HOW_ENDED, required=False)
    reason = long_text(REASON_LABEL, required=True, error_messages={"required": "Give the reason for the correction."})

    def __init__(self, *args, plan, **kwargs):
        fields = [name for name in self.base_fields if name not in ("reason", "expected_version")]
        kwargs.setdefault("initial", {name: getattr(plan, name) for name in fields})
        super().__init__(*args, plan=plan, **kwargs)

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in ("reason", "expected_version")}


class PlanEndForm(PlanForm):
    """A plan a census return left open: the day it ended and how."""

    end_date = UKDateField(label="The day the plan ended", not_in_future=True, required=True)
    how_ended = forms.ChoiceField(label="How it ended", choices=_HOW_ENDED[1:])
    reason = long_text(
        "Where does the end date come from?",
        required=True,
        error_messages={"required": "Say where the end date comes from."},
    )

    def values(self) -> dict:
        return {"end_date": self.cleaned_data["end_date"], "how_ended": self.cleaned_data["how_ended"]}


_LABELS = {
    "analysis_time_since": "1. Time since the previous plan ended",
    "analysis_plan_length": "2. Length of the previous plan",
    "analysis_risks": "3. Same or new risks",
    "analysis_services": "4. Services: what was done, and what will be different",
    "screening_difference": "The difference the plan will make compared with alternatives",
    "cp_manager_consultation": "The consultation with the CP Manager",
}


class RequestCorrectionForm(forms.Form):
    """The fields of one declared correction, opened on the request's values, with the reason."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, request_obj, correction, **kwargs):
        self.correction = correction
        initial = {field: getattr(request_obj, field) for field in correction.fields}
        kwargs["initial"] = {"expected_version": request_obj.version, **initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        for name in correction.fields:
            self.fields[name] = self._field(name)
        self.fields["reason"] = long_text(
            REASON_LABEL, required=True, error_messages={"required": "Give the reason for the correction."}
        )

    @staticmethod
    def _field(name):
        if name == "conference_held_on":
            return UKDateField(label="Date the conference was held", not_in_future=True, required=True)
        if name == "screening_timescale_weeks":
            allowed = SCREENING_TIMESCALE_WEEKS
            return forms.IntegerField(
                label="Weeks within which the plan is expected to reduce the risk",
                min_value=allowed[0],
                max_value=allowed[-1],
                error_messages={"invalid": "Enter the number of weeks as a whole number, like 12."},
            )
        return long_text(_LABELS[name], required=True)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.correction.fields}
