"""Forms of the quality-assurance pages: the indicators' period, starting a deep dive, answering a case."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone

from audit.models import SecurityEvent
from conferences.forms import UKDateField
from limits.text import long_text
from people.models import ServiceArea, Team
from quality.deep_dive import QUESTIONS
from quality.models import Grade, Judgement

DATE_FIELDS = ("date_from", "date_to")


def _date_field(label):
    return UKDateField(label=label, required=True, error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"})


def _iso_as_parts(data: dict, name: str) -> dict:
    """A date given as 2025-03-31 (the links between pages) as the day, month and year boxes the form reads."""
    value = data.pop(name, "")
    if value and not any(f"{name}_{index}" in data for index in range(3)):
        year, month, day = value.split("-") if value.count("-") == 2 else (value, "", "")
        day, month = (part.lstrip("0") or part for part in (day, month))
        data.update({f"{name}_0": day, f"{name}_1": month, f"{name}_2": year})
    return data


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last 12 months to today, from the first of a month, so the trend shows whole months."""
    today = today or timezone.localdate()
    return today.replace(day=1) - relativedelta(months=11), today


class _ListedChoices(forms.models.ModelChoiceIterator):
    """The choices read by one ordinary query. ModelChoiceIterator reads them through .iterator(),
    a server-side cursor on PostgreSQL: three round trips (declare, fetch, close) for a few rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedChoiceField(forms.ModelChoiceField):
    iterator = _ListedChoices


class PeriodForm(forms.Form):
    """The period and scope of the indicators (GET, so a page's address is its query)."""

    max_years: int | None = None

    date_from = _date_field("The first day of the period")
    date_to = _date_field("The last day of the period")
    service_area = ListedChoiceField(
        ServiceArea.objects.all(),
        required=False,
        empty_label="All service areas",
        to_field_name="name",
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"invalid_choice": "Choose a service area from the list."},
    )
    team = ListedChoiceField(
        Team.objects.select_related("service_area"),
        required=False,
        empty_label="All teams",
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"invalid_choice": "Choose a team from the list."},
    )

    def __init__(self, data=None, **kwargs):
        """Read from the query string, where the dates may be ISO (links) or boxes (the form); none: the last year."""
        if data is not None:
            data = data.dict()
            if not any(key.startswith(DATE_FIELDS) for key in data):
                start, end = default_period()
                data.update(date_from=start.isoformat(), date_to=end.isoformat())
            for name in DATE_FIELDS:
                data = _iso_as_parts(data, name)
        super().__init__(data, **kwargs)
        self.fields["team"].label_from_instance = lambda team: f"{team.service_area}: {team}"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The last day of the period must be on or after the first.")
        elif start and end and self.max_years and end > start + relativedelta(years=self.max_years):
            self.add_error(
                "date_to",
                f"The period can be at most {self.max_years} years on this page. For a longer period, "
                "prepare the report: it is made in the background.",
            )
        area, team = cleaned.get("service_area"), cleaned.get("team")
        if area and team and team.service_area_id != area.pk:
            self.add_error("team", f"{team} is not in {area}: choose one of its teams or all teams.")
        return cleaned


class IndicatorPageForm(PeriodForm):
    # The page works out the figures while the person waits; a longer period is a report, prepared in the background.
    max_years = 5


class ReportForm(PeriodForm):
    file_format = forms.ChoiceField(choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")], initial="xlsx")


class StartAuditForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
        error_messages={"required": "Enter a title for the audit."},
    )
    period_from = _date_field("The first day requests were submitted")
    period_to = _date_field("The last day requests were submitted")
    service_area = forms.ModelChoiceField(
        ServiceArea.objects.all(),
        required=False,
        empty_label="All service areas",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    team = forms.ModelChoiceField(
        Team.objects.select_related("service_area"),
        required=False,
        empty_label="All teams in the area",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    sample_size = forms.IntegerField(
        label="Sample size",
        required=False,
        min_value=1,
        max_value=500,
        help_text="Leave empty to audit every repeat-plan request in the period.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
        error_messages={
            "min_value": "The sample must be at least 1 case.",
            "max_value": "The sample can be at most 500 cases.",
            "invalid": "Enter the sample size as a whole number.",
        },
    )
    seed = forms.CharField(
        label="Seed (optional)",
        required=False,
        max_length=40,
        help_text="To draw the same sample as an earlier audit, enter its seed. Left empty, a new one is chosen.",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].label_from_instance = lambda team: f"{team.service_area}: {team}"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", "The last day must be on or after the first.")
        area, team = cleaned.get("service_area"), cleaned.get("team")
        if area and team and team.service_area_id != area.pk:
            self.add_error("team", f"{team} is not in {area}.")
        if cleaned.get("seed") and not cleaned.get("sample_size"):
            self.add_error("seed", "A seed is only used for a sample: enter the sample size too, or clear the seed.")
        return cleaned


class CaseForm(forms.Form):
    """One case's answers. A question whose step does not apply to the case may be left unanswered."""

    grade = forms.ChoiceField(
        choices=Grade.choices, widget=forms.RadioSelect, error_messages={"required": "Choose the grade for the case."}
    )
    learning_points = long_text(
        "Learning points",
        help_text="What the service can learn from this case; they are collected in the audit report.",
        rows=4,
    )

    def __init__(self, *args, prefills: dict, part_way: bool = False, **kwargs):
        """`part_way`: the auditor is saving to come back later, so nothing is required yet."""
        super().__init__(*args, **kwargs)
        self.prefills = prefills
        self.part_way = part_way
        for question in QUESTIONS:
            applies = prefills[question.code].applies
            self.fields[f"{question.code}_judgement"] = forms.ChoiceField(
                label=f"{question.code} {question.title}",
                choices=Judgement.choices,
                widget=forms.RadioSelect,
                required=applies and not part_way,
                error_messages={"required": f"Choose met, partly met or not met for {question.code}."},
            )
            self.fields[f"{question.code}_comment"] = long_text(f"Comment on {question.code}", rows=2)
        if part_way:
            self.fields["grade"].required = False

    def clean(self):
        cleaned = super().clean()
        if self.part_way:
            return cleaned
        for question in QUESTIONS:
            judgement = cleaned.get(f"{question.code}_judgement")
            comment = (cleaned.get(f"{question.code}_comment") or "").strip()
            if judgement in (Judgement.PARTLY_MET, Judgement.NOT_MET) and not comment:
                self.add_error(
                    f"{question.code}_comment",
                    f"Say what was missing for {question.code}: a comment is needed when it is not met.",
                )
            if comment and not judgement:
                self.add_error(f"{question.code}_judgement", f"Choose met, partly met or not met for {question.code}.")
        return cleaned

    def answers(self) -> dict:
        """Each question answered; saved part-way, a comment without a judgement yet counts too."""
        found = {}
        for question in QUESTIONS:
            judgement = self.cleaned_data.get(f"{question.code}_judgement") or ""
            comment = self.cleaned_data.get(f"{question.code}_comment") or ""
            if judgement or (self.part_way and comment.strip()):
                found[question.code] = (judgement, comment)
        return found

    def questions(self):
        """For the template: each question with its fields and what the record shows."""
        for question in QUESTIONS:
            yield {
                "question": question,
                "judgement": self[f"{question.code}_judgement"],
                "comment": self[f"{question.code}_comment"],
                "prefill": self.prefills[question.code],
            }


class SecurityEventFilterForm(forms.Form):
    """Which security events the auditor lists (GET): a date range, a kind, a person; all optional."""

    date_from = UKDateField(label="The first day")
    date_to = UKDateField(label="The last day")
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "All kinds"), *SecurityEvent.Kind.choices],
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"invalid_choice": "Choose a kind from the list."},
    )
    user = forms.CharField(
        label="User name",
        required=False,
        max_length=150,
        help_text="The name signed in with, or typed at a failed sign-in.",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-!-width-one-half", "spellcheck": "false"}),
    )

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.dict()
            for name in DATE_FIELDS:
                data = _iso_as_parts(data, name)
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The last day must be on or after the first.")
        return cleaned
