"""The worker's request pages, the home page and the request page, through the Django test client."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import RecordAccess
from conferences import records, transitions
from conferences.models import ConferenceRequest, State
from tests.conferences.journeys import child_with_plans, drafted, proceeded, screened, submitted
from tests.factories import ChildFactory, ConferenceRequestFactory, FamilyFactory


def version_of(request):
    """The version a page opened now would carry."""
    return ConferenceRequest.objects.values_list("version", flat=True).get(pk=request.pk)


def section_url(request, slug):
    return reverse("conferences:section", args=[request.pk, slug])


def detail_url(request):
    return reverse("conferences:request_detail", args=[request.pk])


def date_fields(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


@pytest.fixture
def worker(client, council):
    client.force_login(council.social_worker)
    return client


# Home.


def test_home_lists_the_teams_open_requests_and_drafts_but_not_other_teams(worker, council):
    draft = drafted(council, ChildFactory(team=council.north_team))
    sent = submitted(council, ChildFactory(team=council.north_team))
    other_team = ConferenceRequestFactory(child=ChildFactory(team=council.south_team))
    closed = drafted(council, ChildFactory(team=council.north_team))
    transitions.withdraw(closed.pk, council.social_worker, reason="No longer needed.")

    page = worker.get(reverse("home")).content.decode()

    assert detail_url(draft) in page
    assert detail_url(sent) in page
    assert detail_url(other_team) not in page
    assert detail_url(closed) not in page


def test_home_mine_lists_the_persons_own_requests_including_closed_ones(worker, council):
    mine = drafted(council, ChildFactory(team=council.north_team))
    transitions.withdraw(mine.pk, council.social_worker, reason="No longer needed.")
    colleagues = records.start_request(ChildFactory(team=council.north_team), council.practice_lead)

    page = worker.get(reverse("home") + "?list=mine").content.decode()

    assert detail_url(mine) in page
    assert detail_url(colleagues) not in page


def test_home_paginates(worker, council):
    for _ in range(21):
        ConferenceRequestFactory(child=ChildFactory(team=council.north_team), created_by=council.social_worker)

    first = worker.get(reverse("home")).content.decode()
    second = worker.get(reverse("home") + "?page=2").content.decode()

    assert len(re.findall(r'href="/requests/\d+/"', first)) == 20
    assert len(re.findall(r'href="/requests/\d+/"', second)) == 1


def test_home_uses_the_same_queries_for_one_request_or_many(worker, council, django_assert_max_num_queries):
    ConferenceRequestFactory(child=ChildFactory(team=council.north_team), created_by=council.social_worker)
    with CaptureQueriesContext(connection) as one:
        worker.get(reverse("home"))
    for _ in range(15):
        ConferenceRequestFactory(child=ChildFactory(team=council.north_team), created_by=council.practice_lead)
    with django_assert_max_num_queries(len(one)):
        assert worker.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    ("person", "link"),
    [("area_manager", "/decisions/"), ("cp_chair", "/decisions/"), ("head_of_service", "/decisions/")],
)
def test_home_points_other_roles_to_their_work(client, council, person, link):
    client.force_login(getattr(council, person))
    page = client.get(reverse("home")).content.decode()
    assert f'href="{link}"' in page
    assert "My children and requests" not in page


# The request page.


def test_request_page_is_404_for_another_teams_request(client, council):
    request = drafted(council, ChildFactory(team=council.north_team))
    client.force_login(council.other_social_worker)
    missing = client.get(reverse("conferences:request_detail", args=[999999]))
    hidden = client.get(detail_url(request))
    assert hidden.status_code == missing.status_code == 404
    assert request.child.full_name not in hidden.content.decode()
    assert not RecordAccess.objects.filter(child=request.child, user=council.other_social_worker).exists()


def test_request_page_logs_each_opening_against_the_child(worker, council):
    request = drafted(council, ChildFactory(team=council.north_team))
    worker.get(detail_url(request))
    worker.get(detail_url(request))
    accesses = RecordAccess.objects.filter(child=request.child, user=council.social_worker)
    assert list(accesses.values_list("path", flat=True)) == [detail_url(request)] * 2


def test_request_page_shows_stage_flags_outstanding_steps_and_who_does_them(client, council):
    child = child_with_plans(council, 1, last_end=datetime.date.today() - datetime.timedelta(days=60))
    request = proceeded(council, child, services=("Parenting programme",))
    client.force_login(council.cp_chair)

    page = client.get(detail_url(request)).content.decode()

    assert "CP chair screening" in page  # the stage
    assert "Under 12 months since the last plan ended" in page
    assert "Repeated services need a rationale" in page
    assert "Give the rationale and expected impact for repeating &#x27;Parenting programme&#x27;." in page
    assert "Record the consultation with the CP Manager." in page
    assert "The CP chair (Child Protection Co-ordinator)" in page
    assert f'href="{reverse("decisions:decide", args=[request.pk])}"' in page
    assert "Accept the request" in page


def test_request_page_timeline_says_who_did_what_with_before_and_after(worker, council):
    request = drafted(council, ChildFactory(team=council.north_team))
    records.update_proposal(
        request.pk,
        council.social_worker,
        reason="Neglect has returned, and more.",
        categories=["NEG", "EMO"],
        factors=["3B", "2B"],
    )

    page = worker.get(detail_url(request)).content.decode()

    assert "Started the request" in page
    assert "Changed the proposal" in page
    assert "Neglect has returned." in page and "Neglect has returned, and more." in page
    assert "Emotional abuse, Neglect" in page  # categories in words, after the change


def test_returned_request_shows_the_chairs_questions(worker, council):
    child = child_with_plans(council, 1)
    request = proceeded(council, child)
    transitions.return_for_information(request.pk, council.cp_chair, questions="What will be different this time?")

    for url in (
        detail_url(request),
        section_url(request, "repeat"),
        reverse("conferences:check_answers", args=[request.pk]),
    ):
        page = worker.get(url).content.decode()
        assert "The CP chair returned this request with questions" in page
        assert "What will be different this time?" in page


# The worker's sections.


def test_a_validation_error_keeps_everything_typed_and_saves_nothing(worker, council):
    request = records.start_request(ChildFactory(team=council.north_team), council.social_worker)
    response = worker.post(
        section_url(request, "proposal"),
        {
            "expected_state": "draft",
            "expected_version": version_of(request),
            "reason": "Bruising seen at school twice this month.",
            "strategy_discussion_date_0": "31",
            "strategy_discussion_date_1": "2",
            "strategy_discussion_date_2": "2025",
            "categories": ["PHY"],
            "factors": ["3B"],
            "services": "Family support worker\nDomestic abuse programme",
        },
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert "There is a problem" in page
    assert "The date of the strategy discussion must be a real date" in page
    assert "Bruising seen at school twice this month." in page
    assert re.search(r'value="PHY" checked', page)
    assert re.search(r'value="3B" checked', page)
    assert 'value="31"' in page
    assert "Domestic abuse programme" in page
    request.refresh_from_db()
    assert request.reason == ""


def test_a_stale_page_is_refused_with_a_clear_message(worker, council):
    request = records.start_request(ChildFactory(team=council.north_team), council.social_worker)
    response = worker.post(
        section_url(request, "proposal"),
        {
            "expected_state": "prior_plan_check",
            "expected_version": version_of(request),
            "reason": "Typed on a stale page.",
        },
    )
    assert response.status_code == 409
    assert "The request changed while you were looking at it" in response.content.decode()
    request.refresh_from_db()
    assert request.reason == ""


def test_after_the_request_moved_on_the_form_carries_its_new_stage_and_the_next_save_succeeds(worker, council):
    """The chair conversation may be written at the manager discussion and at screening alike: typed on a page
    opened before the manager proceeded, it comes back with what changed, on a form that can be sent again."""
    request = submitted(council, child_with_plans(council, 1))
    request = transitions.confirm_prior_plan_check(
        request.pk, council.social_worker, sources_checked=["this_council", "other_councils"]
    )
    seen = {"expected_state": request.state, "expected_version": version_of(request)}
    transitions.proceed(
        request.pk, council.area_manager, alternatives_considered=["legal_planning"], rationale="Goes to screening."
    )
    typed = {"conversation": "Typed while the manager decided.", **date_fields("held_on", datetime.date(2026, 1, 5))}

    response = worker.post(section_url(request, "chair"), {**seen, **typed})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Typed while the manager decided." in page
    assert 'id="what-changed"' in page and "Goes to screening." in page
    again = dict(re.findall(r'name="(expected_(?:state|version))" value="([^"]*)"', page))
    assert again == {"expected_state": State.CPC_SCREENING, "expected_version": str(version_of(request))}
    assert worker.post(section_url(request, "chair"), {**again, **typed}).status_code == 302
    assert ConferenceRequest.objects.get(pk=request.pk).cp_chair_conversation == "Typed while the manager decided."


def test_someone_outside_the_team_cannot_write_a_section(client, council):
    request = records.start_request(ChildFactory(team=council.north_team), council.social_worker)
    client.force_login(council.area_manager)
    response = client.post(
        section_url(request, "proposal"),
        {"expected_state": "draft", "expected_version": version_of(request), "reason": "Not mine."},
    )
    assert response.status_code == 403
    assert "Your role does not record this." in response.content.decode()
    request.refresh_from_db()
    assert request.reason == ""


def test_a_first_request_shows_only_the_proposal(worker, council):
    request = records.start_request(ChildFactory(team=council.north_team), council.social_worker)
    response = worker.post(
        section_url(request, "proposal"),
        {
            "expected_state": "draft",
            "expected_version": version_of(request),
            "reason": "Neglect.",
            "categories": ["NEG"],
            "factors": ["21"],
            "services": "Family support worker",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("conferences:check_answers", args=[request.pk])
    assert worker.get(section_url(request, "repeat")).status_code == 302


def test_the_full_worker_journey_to_submitted(worker, council):
    """A repeat request for a child with a sibling and a repeated service, through every section, to the
    prior-plan check and on to the manager discussion."""
    family = FamilyFactory()
    child = child_with_plans(council, 1, last_end=datetime.date.today() - datetime.timedelta(days=90))
    child.family = family
    child.save()
    sibling = ChildFactory(team=council.north_team, family=family, first_name="Sam")
    today = datetime.date.today()

    start = worker.post(reverse("conferences:start", args=[child.pk]))
    request = ConferenceRequest.objects.get(child=child)
    assert start["Location"] == section_url(request, "proposal")
    # The proposal's services decide whether a repeated-services section follows: no count promised yet.
    assert "– section 1</span>" in worker.get(section_url(request, "proposal")).content.decode()

    answer = worker.post(
        section_url(request, "proposal"),
        {
            "expected_state": "draft",
            "expected_version": version_of(request),
            "reason": "Neglect has returned after the last plan ended.",
            **date_fields("strategy_discussion_date", today),
            "categories": ["NEG"],
            "factors": ["3B", "2B"],
            "services": "Parenting programme\nFamily support worker",
        },
    )
    assert answer["Location"] == section_url(request, "repeat")

    repeat_page = worker.get(section_url(request, "repeat")).content.decode()
    assert "– section 2 of 5</span>" in repeat_page
    assert "Under 12 months since the last plan ended" in repeat_page
    assert "Repeated concerns" in repeat_page

    answer = worker.post(
        section_url(request, "repeat"),
        {
            "expected_state": "draft",
            "expected_version": version_of(request),
            **date_fields("partners_informed_on", today),
            "partners_informed_context": "Told partners of the 2024 neglect plan.",
            "time_since": "Three months.",
            "plan_length": "Seven months.",
            "risks": "Same neglect; new drug use.",
            "services": "A new family support worker.",
        },
    )
    assert answer["Location"] == section_url(request, "services")

    service = request.proposed_services.get(name="Parenting programme")
    answer = worker.post(
        section_url(request, "services"),
        {
            "expected_state": "draft",
            "expected_version": version_of(request),
            f"service_{service.pk}_rationale": "A different provider, at home.",
            f"service_{service.pk}_impact": "Routines kept after the plan ends.",
        },
    )
    assert answer["Location"] == section_url(request, "siblings")

    answer = worker.post(
        section_url(request, "siblings"),
        {
            "expected_state": "draft",
            "expected_version": version_of(request),
            f"sibling_{sibling.pk}_include": "yes",
            f"sibling_{sibling.pk}_reason": "Same home, same neglect.",
        },
    )
    assert answer["Location"] == section_url(request, "chair")

    answer = worker.post(
        section_url(request, "chair"),
        {
            "expected_state": "draft",
            "expected_version": version_of(request),
            **date_fields("held_on", today),
            "conversation": "Agreed how to run the conference and engage the family.",
        },
    )
    check_url = reverse("conferences:check_answers", args=[request.pk])
    assert answer["Location"] == check_url

    check = worker.get(check_url).content.decode()
    assert "Check your answers before you submit" in check
    assert "A different provider, at home." in check
    assert f'href="{section_url(request, "repeat")}?next=check"' in check
    assert "Submit the request" in check

    submitted_response = worker.post(check_url, {"expected_state": "draft", "expected_version": version_of(request)})
    assert submitted_response["Location"] == detail_url(request)
    request.refresh_from_db()
    assert request.state == State.PRIOR_PLAN_CHECK
    assert request.sibling_decisions.get().include_in_conference is True

    detail = worker.get(detail_url(request)).content.decode()
    assert detail.count("Confirm the prior-plan check") == 1
    check_page = reverse("conferences:prior_plan_check", args=[request.pk])
    refused = worker.post(
        check_page,
        {
            "expected_state": "prior_plan_check",
            "expected_version": version_of(request),
            "sources_checked": ["this_council"],
        },
    )
    assert refused.status_code == 400
    assert "Check the child&#x27;s CP history in this council&#x27;s records" in refused.content.decode()

    confirmed = worker.post(
        check_page,
        {
            "expected_state": "prior_plan_check",
            "expected_version": version_of(request),
            "sources_checked": ["this_council", "other_councils"],
        },
    )
    assert confirmed["Location"] == detail_url(request)
    request.refresh_from_db()
    assert request.state == State.MANAGER_DISCUSSION


def test_a_change_link_returns_to_check_answers(worker, council):
    request = drafted(council, ChildFactory(team=council.north_team))
    response = worker.post(
        section_url(request, "proposal") + "?next=check",
        {
            "expected_state": "draft",
            "expected_version": version_of(request),
            "reason": "Changed.",
            "categories": ["NEG"],
            "factors": ["21"],
            "services": "Family support worker",
        },
    )
    assert response["Location"] == reverse("conferences:check_answers", args=[request.pk])


def test_sibling_answers_come_in_pairs(worker, council):
    family = FamilyFactory()
    child = ChildFactory(team=council.north_team, family=family)
    sibling = ChildFactory(team=council.north_team, family=family)
    request = drafted(council, child)
    response = worker.post(
        section_url(request, "siblings"),
        {
            "expected_state": "draft",
            "expected_version": version_of(request),
            f"sibling_{sibling.pk}_include": "no",
        },
    )
    assert response.status_code == 400
    assert f"Give the reason for the decision about {sibling.full_name}" in response.content.decode()
    assert not request.sibling_decisions.exists()


def test_withdraw_needs_a_reason_and_then_withdraws(worker, council):
    request = drafted(council, ChildFactory(team=council.north_team))
    url = reverse("conferences:withdraw", args=[request.pk])
    refused = worker.post(url, {"expected_state": "draft", "expected_version": version_of(request), "reason": " "})
    assert refused.status_code == 400
    assert "Give the reason." in refused.content.decode()

    done = worker.post(
        url, {"expected_state": "draft", "expected_version": version_of(request), "reason": "The family moved away."}
    )
    assert done["Location"] == detail_url(request)
    request.refresh_from_db()
    assert request.state == State.WITHDRAWN


def test_the_request_page_offers_no_worker_actions_to_a_chair(client, council):
    child = child_with_plans(council, 1)
    request = proceeded(council, child)
    screened(council, request)
    client.force_login(council.cp_chair)
    page = client.get(detail_url(request)).content.decode()
    assert reverse("conferences:withdraw", args=[request.pk]) not in page
    assert client.get(reverse("conferences:withdraw", args=[request.pk])).status_code == 403


def test_the_request_page_uses_the_same_queries_however_much_was_recorded(
    client, council, django_assert_max_num_queries
):
    small = proceeded(council, child_with_plans(council, 1), services=("Family support worker",))
    big = proceeded(council, child_with_plans(council, 6), services=[f"Service {n}" for n in range(8)])
    screened(council, big)
    client.force_login(council.cp_chair)
    client.get(detail_url(small))
    with CaptureQueriesContext(connection) as with_small:
        client.get(detail_url(small))
    with django_assert_max_num_queries(len(with_small)):
        assert client.get(detail_url(big)).status_code == 200


def test_each_repeated_service_gets_its_rationale_and_gap(worker, council):
    child = child_with_plans(council, 1)
    for plan in child.plans.all():
        plan.services.create(name="Family therapy")
    request = drafted(council, child, services=("Parenting programme", "Family therapy", "Something new"))
    page = worker.get(section_url(request, "services")).content.decode()
    assert "Parenting programme" in page and "Family therapy" in page and "Something new" not in page

    therapy = request.proposed_services.get(name="Family therapy")
    parenting = request.proposed_services.get(name="Parenting programme")
    response = worker.post(
        section_url(request, "services"),
        {
            "expected_state": "draft",
            "expected_version": version_of(request),
            f"service_{parenting.pk}_rationale": "Delivered at home this time.",
            f"service_{parenting.pk}_impact": "Routines kept.",
            f"service_{therapy.pk}_rationale": "A new therapist.",
            f"service_{therapy.pk}_impact": "Better relationships.",
            f"service_{therapy.pk}_gap": "Six-month waiting list.",
            f"service_{therapy.pk}_gap_owner": str(council.team_manager.pk),
            **date_fields(f"service_{therapy.pk}_gap_resolve_by", datetime.date(2030, 1, 31)),
            f"service_{therapy.pk}_partner_agency": "on",
        },
    )
    assert response.status_code == 302
    therapy.refresh_from_db()
    parenting.refresh_from_db()
    assert parenting.repeat_rationale == "Delivered at home this time."
    assert (therapy.provision_gap, therapy.gap_owner, therapy.gap_resolve_by, therapy.gap_caused_by_partner_agency) == (
        "Six-month waiting list.",
        council.team_manager,
        datetime.date(2030, 1, 31),
        True,
    )


def test_each_page_showing_a_request_logs_the_opening_against_the_child(client, council):
    request = drafted(council, child_with_plans(council, 1))
    client.force_login(council.social_worker)
    for name in ("conferences:request_detail", "conferences:check_answers"):
        before = RecordAccess.objects.filter(child=request.child, user=council.social_worker).count()
        assert client.get(reverse(name, args=[request.pk])).status_code == 200
        assert RecordAccess.objects.filter(child=request.child, user=council.social_worker).count() == before + 1
