"""The worker's request forms. They check what was typed (dates, codes, pairs of answers); what a step
needs before the request may move on is for conferences/requirements.py, reached through the services.

Every form carries `expected_state` and `expected_version`: the stage and version the person saw, so a
service refuses to act on a request that somebody else moved on or changed in the meantime.
"""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from cases.census_rules import contradictory_factors
from cases.codes import CATEGORY_CHOICES, FACTOR_CHOICES
from conferences.dates import date_problems_of
from conferences.models import ConferenceOutcome, HistorySource
from limits.dates import check_date_bounds
from limits.text import long_text
from people.roles import Role

# One save proposes at most this many services, each named in at most this many characters.
MAX_PROPOSED_SERVICES = 30
SERVICE_NAME_LENGTH = 200


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes, named `<name>_0`, `_1`, `_2`."""

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]


class UKDateField(forms.MultiValueField):
    """A date typed as day, month and year, with the GOV.UK error messages; empty is allowed unless required."""

    widget = DateInputWidget

    def __init__(self, *, not_in_future=False, **kwargs):
        self.not_in_future = not_in_future
        parts = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        kwargs.setdefault("required", False)
        super().__init__(fields=parts, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        day, month, year = ([str(part or "").strip() for part in data_list] + ["", "", ""])[:3]
        if not (day or month or year):
            return None
        name = self.label or "The date"
        missing = [word for word, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise forms.ValidationError(f"{name} must include a {' and '.join(missing)}", code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"{name} must be a real date", code="invalid")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers", code="invalid")
        try:
            value = datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{name} must be a real date", code="invalid") from None
        if self.not_in_future and value > timezone.localdate():
            raise forms.ValidationError(f"{name} must be today or in the past", code="future")
        return check_date_bounds(value, name)


class StateGuardedForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, request_obj, **kwargs):
        self.request_obj = request_obj
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            "expected_state": request_obj.state,
            "expected_version": request_obj.version,
            **self.initial_from(request_obj),
            **kwargs["initial"],
        }
        super().__init__(*args, **kwargs)

    # The dates this form types, by form field: the request's model field each one is (conferences/dates.py).
    dated_fields: dict[str, str] = {}

    def initial_from(self, request_obj) -> dict:
        return {}

    def draftable(self) -> list[str]:
        """The long answers, which are kept as drafts while the person types (conferences/drafts.py): this
        form's own, since some sections have one for each service or sibling."""
        return [name for name, field in self.fields.items() if isinstance(field.widget, forms.Textarea)]

    def typed(self) -> list[tuple[str, str]]:
        return typed_answers(self)

    def clean(self):
        """Typed dates against the child's life and the request's other dates: each problem on its own field."""
        cleaned = super().clean()
        typed = {model: cleaned[name] for name, model in self.dated_fields.items() if cleaned.get(name)}
        by_model = {model: name for name, model in self.dated_fields.items()}
        for model, message in date_problems_of(self.request_obj, typed).items():
            self.add_error(by_model[model], message)
        return cleaned


def typed_answers(form) -> list[tuple[str, str]]:
    """What the person typed in a form's long answers, labelled: shown whenever it cannot be saved."""
    return [
        (str(form.fields[name].label), form.data.get(form.add_prefix(name), ""))
        for name in form.draftable()
        if name in form.fields and form.data.get(form.add_prefix(name), "").strip()
    ]


def factor_groups(bound_field):
    """The assessment factors' checkboxes in groups (e.g. "Alcohol misuse": the child / parent or carer / ...)."""
    groups: dict[str, list] = {}
    for option in bound_field:
        label = str(option.choice_label)
        topic, _, who = label.partition(": ")
        title, text = (topic, who) if who else ("Other factors", label)
        option.short_label = f"{text[:1].upper()}{text[1:]} ({option.data['value']})"
        groups.setdefault(title, []).append(option)
    other = groups.pop("Other factors", [])
    return [*groups.items(), ("Other factors", other)] if other else list(groups.items())


class ProposalForm(StateGuardedForm):
    reason = long_text("Why are you asking for a child protection conference?", rows=6)
    strategy_discussion_date = UKDateField(label="The date of the strategy discussion", not_in_future=True)
    categories = forms.MultipleChoiceField(
        label="Proposed categories of abuse",
        choices=[(code, f"{name} ({code})") for code, name in CATEGORY_CHOICES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    factors = forms.MultipleChoiceField(
        label="Assessment factors", choices=FACTOR_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    services = long_text("Services proposed for the plan", max_length=MAX_PROPOSED_SERVICES * (SERVICE_NAME_LENGTH + 1))
    dated_fields = {"strategy_discussion_date": "strategy_discussion_date"}

    def initial_from(self, request_obj):
        return {
            "reason": request_obj.reason,
            "strategy_discussion_date": request_obj.strategy_discussion_date,
            "categories": request_obj.proposed_categories,
            "factors": request_obj.proposed_factors,
            "services": "\n".join(service.name for service in request_obj.proposed_services.all()),
        }

    def clean_factors(self):
        contradiction = contradictory_factors(self.cleaned_data["factors"])
        if contradiction:
            raise forms.ValidationError(contradiction)
        return self.cleaned_data["factors"]

    def clean_services(self):
        names = [line.strip() for line in self.cleaned_data["services"].splitlines()]
        too_long = [name for name in names if len(name) > SERVICE_NAME_LENGTH]
        if too_long:
            raise forms.ValidationError(f"Each service must be {SERVICE_NAME_LENGTH} characters or fewer")
        services = list(dict.fromkeys(name for name in names if name))
        if len(services) > MAX_PROPOSED_SERVICES:
            raise forms.ValidationError(f"Propose at most {MAX_PROPOSED_SERVICES} services, one on each line")
        return services

    def factor_groups(self):
        return factor_groups(self["factors"])


class RepeatAnalysisForm(StateGuardedForm):
    """R3 and the four-point analysis (R4 to R7)."""

    partners_informed_on = UKDateField(label="The date partners were told", not_in_future=True)
    partners_informed_context = long_text(
        "What partners were told about the previous plan: its timeframe and context", rows=4
    )
    time_since = long_text("1. Time since the previous plan ended")
    plan_length = long_text("2. Length of the previous plan")
    risks = long_text("3. Same or new risks")
    services = long_text("4. Services: what was done, and what will be different")
    dated_fields = {"partners_informed_on": "partners_informed_on"}

    def initial_from(self, request_obj):
        return {
            "partners_informed_on": request_obj.partners_informed_on,
            "partners_informed_context": request_obj.partners_informed_context,
            "time_since": request_obj.analysis_time_since,
            "plan_length": request_obj.analysis_plan_length,
            "risks": request_obj.analysis_risks,
            "services": request_obj.analysis_services,
        }


def gap_owner_choices(child):
    """People who can own a gap in provision: the child's team and the managers of its service area."""
    users = get_user_model().objects.filter(is_active=True)
    if child.team_id:
        users = users.filter(Q(staff__team_id=child.team_id) | Q(staff__service_area_id=child.team.service_area_id))
    return users.order_by("first_name", "last_name", "username")


class RepeatedServicesForm(StateGuardedForm):
    """One set of questions for each proposed service that was delivered under a previous plan (R7)."""

    def __init__(self, *args, services, **kwargs):
        self.services = list(services)
        super().__init__(*args, **kwargs)
        self.owners = {str(user.pk): user for user in gap_owner_choices(self.request_obj.child)}
        owner_choices = [("", "Choose a person")] + [
            (pk, user.get_full_name() or user.get_username()) for pk, user in self.owners.items()
        ]
        for service in self.services:
            prefix = f"service_{service.pk}"
            self.fields[f"{prefix}_rationale"] = long_text("Why repeat it?", rows=4, initial=service.repeat_rationale)
            self.fields[f"{prefix}_impact"] = long_text(
                "What impact do you expect it to have on sustaining change?", rows=4, initial=service.expected_impact
            )
            self.fields[f"{prefix}_gap"] = long_text(
                "Gap in provision (optional)", rows=3, initial=service.provision_gap
            )
            self.fields[f"{prefix}_gap_owner"] = forms.ChoiceField(
                label="Who will resolve the gap (optional)",
                choices=owner_choices,
                required=False,
                initial=str(service.gap_owner_id or ""),
            )
            self.fields[f"{prefix}_gap_resolve_by"] = UKDateField(
                label="Date the gap should be resolved by", initial=service.gap_resolve_by
            )
            self.fields[f"{prefix}_partner_agency"] = forms.BooleanField(
                label="The gap is caused by a partner agency (escalate it)",
                required=False,
                initial=service.gap_caused_by_partner_agency,
            )

    def groups(self):
        return [
            (
                service,
                {
                    part: self[f"service_{service.pk}_{part}"]
                    for part in ("rationale", "impact", "gap", "gap_owner", "gap_resolve_by", "partner_agency")
                },
            )
            for service in self.services
        ]

    def rationale_for(self, service) -> dict:
        prefix = f"service_{service.pk}"
        data = self.cleaned_data
        return {
            "repeat_rationale": data[f"{prefix}_rationale"],
            "expected_impact": data[f"{prefix}_impact"],
            "provision_gap": data[f"{prefix}_gap"],
            "gap_owner": self.owners.get(data[f"{prefix}_gap_owner"]),
            "gap_resolve_by": data[f"{prefix}_gap_resolve_by"],
            "gap_caused_by_partner_agency": data[f"{prefix}_partner_agency"],
        }


class SiblingsForm(StateGuardedForm):
    """Whether each sibling should also be subject of the conference, and why (R12)."""

    def __init__(self, *args, siblings, decisions, **kwargs):
        self.siblings = list(siblings)
        super().__init__(*args, **kwargs)
        for sibling in self.siblings:
            decision = decisions.get(sibling.pk)
            self.fields[f"sibling_{sibling.pk}_include"] = forms.TypedChoiceField(
                label=f"Should {sibling.full_name} also be subject of the conference?",
                choices=[("yes", "Yes"), ("no", "No")],
                coerce=lambda value: value == "yes",
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                initial=None if decision is None else ("yes" if decision.include_in_conference else "no"),
            )
            self.fields[f"sibling_{sibling.pk}_reason"] = long_text(
                "Why?", rows=3, initial=decision.reason if decision else ""
            )

    def groups(self):
        return [
            (sibling, self[f"sibling_{sibling.pk}_include"], self[f"sibling_{sibling.pk}_reason"])
            for sibling in self.siblings
        ]

    def clean(self):
        cleaned = super().clean()
        for sibling in self.siblings:
            include_key, reason_key = f"sibling_{sibling.pk}_include", f"sibling_{sibling.pk}_reason"
            include, reason = cleaned.get(include_key), (cleaned.get(reason_key) or "").strip()
            if include is None and reason:
                self.add_error(include_key, f"Select whether {sibling.full_name} should be subject of the conference")
            elif include is not None and not reason:
                self.add_error(reason_key, f"Give the reason for the decision about {sibling.full_name}")
        return cleaned

    def decided(self):
        """(sibling, include, reason) for each sibling with an answer."""
        data = self.cleaned_data
        return [
            (sibling, data[f"sibling_{sibling.pk}_include"], data[f"sibling_{sibling.pk}_reason"])
            for sibling in self.siblings
            if data.get(f"sibling_{sibling.pk}_include") is not None
        ]


class ChairConversationForm(StateGuardedForm):
    """R13: the worker's conversation with the CP chair before the conference."""

    held_on = UKDateField(label="The date of the conversation", not_in_future=True)
    conversation = long_text("What you and the CP chair discussed", rows=8)
    dated_fields = {"held_on": "cp_chair_conversation_on"}

    def initial_from(self, request_obj):
        return {"held_on": request_obj.cp_chair_conversation_on, "conversation": request_obj.cp_chair_conversation}


class SubmitForm(StateGuardedForm):
    pass


class PriorPlanCheckForm(StateGuardedForm):
    sources_checked = forms.MultipleChoiceField(
        label="Where have you checked the child's CP history?",
        choices=HistorySource.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class WithdrawForm(StateGuardedForm):
    reason = long_text("Why are you withdrawing the request?")


def cp_chairs():
    """Who may have chaired a conference: the council's CP chairs."""
    return (
        get_user_model()
        .objects.filter(is_active=True, staff__role=Role.CP_CHAIR)
        .order_by("first_name", "last_name", "username")
    )


class ConferenceOutcomeForm(StateGuardedForm):
    """The initial conference: when it was held and what it decided (the plan it made, or the outcome instead)."""

    held_on = UKDateField(label="Date the conference was held", not_in_future=True)
    late_reason = long_text("Why was the conference held outside 15 working days of the strategy discussion?", rows=3)
    outcome = forms.ChoiceField(
        label="What did the conference decide?",
        choices=ConferenceOutcome.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(
        label="The plan's category of abuse",
        choices=[(code, f"{name} ({code})") for code, name in CATEGORY_CHOICES],
        required=False,
        widget=forms.RadioSelect,
    )
    first_review_due = UKDateField(label="Date of the first review conference")
    chair = forms.ChoiceField(label="Who chaired the conference", required=False)
    dated_fields = {"held_on": "conference_held_on"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.chairs = {str(chair.pk): chair for chair in cp_chairs()}
        self.fields["chair"].choices = [("", "Choose the chair")] + [
            (pk, chair.get_full_name() or chair.get_username()) for pk, chair in self.chairs.items()
        ]
        if str(user.pk) in self.chairs:
            self.initial.setdefault("chair", str(user.pk))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "outcome": data["outcome"],
            "category": data["category"],
            "first_review_due": data["first_review_due"],
            "chair": self.chairs.get(data["chair"]),
            "late_reason": data["late_reason"],
        }
