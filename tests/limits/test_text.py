"""Free text has a maximum length, shown with the GOV.UK character count and refused when over."""

import pytest
from django.urls import reverse

import quality.forms
from conferences import records
from conferences.forms import MAX_PROPOSED_SERVICES, ProposalForm
from conferences.forms_decisions import ProceedForm
from limits.text import LONG_TEXT
from tests.factories import ChildFactory


def proposal_url(request):
    return reverse("conferences:section", args=[request.pk, "proposal"])


@pytest.fixture
def draft(client, council):
    client.force_login(council.social_worker)
    return records.start_request(ChildFactory(team=council.north_team), council.social_worker)


def test_the_worker_page_shows_a_character_count_on_each_answer(client, draft):
    page = client.get(proposal_url(draft)).content.decode()
    group = 'class="govuk-form-group govuk-character-count" data-module="govuk-character-count"'
    assert f'{group} data-maxlength="{LONG_TEXT}"' in page
    assert 'class="govuk-textarea govuk-js-character-count"' in page
    message = 'id="id_reason-info" class="govuk-hint govuk-character-count__message"'
    assert f"{message}>You can enter up to {LONG_TEXT} characters" in page
    # The count tells the person; the browser does not cut what they paste.
    assert " maxlength=" not in page


def test_an_answer_over_the_limit_is_refused_and_kept_on_the_page(client, draft):
    too_long = "x" * (LONG_TEXT + 1)
    response = client.post(proposal_url(draft), {"expected_state": "draft", "reason": too_long})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Why are you asking for a child protection conference must be 5,000 characters or fewer" in page
    assert too_long in page
    draft.refresh_from_db()
    assert draft.reason == ""


def test_a_decision_form_carries_the_character_count():
    html = str(ProceedForm(data=None)["rationale"])
    assert 'data-module="govuk-character-count"' in html and f'data-maxlength="{LONG_TEXT}"' in html
    assert "govuk-js-character-count" in html


def test_every_free_text_field_of_every_form_has_a_limit():
    """Walks every form of every app: a text box or textarea without a maximum length fails here."""
    import importlib
    from pathlib import Path

    from django import forms
    from django.apps import apps

    for app in apps.get_app_configs():
        if app.name.startswith("django") or "site-packages" in app.path:
            continue
        for module in sorted(Path(app.path).glob("forms*.py")):
            importlib.import_module(f"{app.name}.{module.stem}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    unbounded = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in subclasses(forms.BaseForm)
        if not form.__module__.startswith(("django.", "tests.", "crispy", "axes", "django_otp", "guardian"))
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.CharField)
        and isinstance(field.widget, forms.Textarea | forms.TextInput)
        and not field.max_length
    ]
    assert unbounded == []
    assert quality.forms.CaseForm.base_fields["learning_points"].max_length == LONG_TEXT


def test_proposed_services_in_one_save_are_bounded(client, draft):
    names = "\n".join(f"Service {n}" for n in range(MAX_PROPOSED_SERVICES + 1))
    form = ProposalForm(
        {"expected_state": "draft", "expected_version": draft.version, "services": names}, request_obj=draft
    )
    assert not form.is_valid()
    assert form.errors["services"] == [f"Propose at most {MAX_PROPOSED_SERVICES} services, one on each line"]
    names = "\n".join(f"Service {n}" for n in range(MAX_PROPOSED_SERVICES))
    form = ProposalForm(
        {"expected_state": "draft", "expected_version": draft.version, "services": names}, request_obj=draft
    )
    assert form.is_valid(), form.errors
