"""A child whose census declares more previous plans than are recorded gets the gates of the
declared count, through the pages (issue 13, item 3).

The child comes in from a census return with one plan whose NumberOfPreviousCPP is 1: one earlier
plan, held somewhere, not recorded here. So the next request is the child's third plan, and the
Head of Service signs it off after the CP chair accepts. The same record without the census's
number is a second plan, which goes straight to be convened.
"""

from django.urls import reverse

from cases.history_import import import_census
from cases.models import Child
from conferences.models import ConferenceRequest, State
from tests.cases import census_xml as x
from tests.conferences.journeys import proceeded, screened


def imported_child(council, tmp_path, previous) -> Child:
    """One plan, 1 May 2024 to 10 January 2025, from the 2024-25 return; then allocated to a team."""
    text = x.census(x.child("C1", x.episode(x.plan("2024-05-01", "2025-01-10", previous=previous))))
    summary = import_census(str(x.write(tmp_path, "return.xml", text)))
    assert summary.rejections == []
    child = Child.objects.get(local_child_id="C1")
    child.team = council.north_team
    child.save()
    return child


def accept_through_the_decision_page(client, council, request) -> ConferenceRequest:
    client.force_login(council.cp_chair)
    request = ConferenceRequest.objects.get(pk=request.pk)
    accept_url = reverse("decisions:task", args=[request.pk, "accept"])
    page = client.get(reverse("decisions:decide", args=[request.pk])).content.decode()
    assert f'href="{accept_url}"' in page
    form = {"action": "accept", "accept-expected_state": request.state, "accept-expected_version": request.version}
    response = client.post(accept_url, form)
    assert response.status_code == 302
    return ConferenceRequest.objects.get(pk=request.pk)


def test_one_declared_earlier_plan_and_one_recorded_make_a_third_plan_for_the_head_of_service(
    client, council, tmp_path
):
    child = imported_child(council, tmp_path, previous="1")

    client.force_login(council.social_worker)
    page = client.get(reverse("cases:child_detail", args=[child.pk])).content.decode()
    assert "The census says 1 earlier plan that is not recorded here" in page
    assert 'data-previous-plans="2"' in page

    request = proceeded(council, child)
    page = client.get(reverse("conferences:request_detail", args=[request.pk])).content.decode()
    assert "Plan number" in page and ">3<" in page.replace(" ", "").replace("\n", "")

    screened(council, request)
    request = accept_through_the_decision_page(client, council, request)
    assert request.state == State.HEAD_OF_SERVICE_SIGNOFF

    client.force_login(council.head_of_service)
    page = client.get(reverse("decisions:decide", args=[request.pk])).content.decode()
    assert f'href="{reverse("decisions:task", args=[request.pk, "agree"])}"' in page


def test_without_the_census_counting_more_the_same_record_is_a_second_plan(client, council, tmp_path):
    child = imported_child(council, tmp_path, previous="0")
    client.force_login(council.social_worker)
    page = client.get(reverse("cases:child_detail", args=[child.pk])).content.decode()
    assert "not recorded here" not in page
    assert 'data-previous-plans="1"' in page

    request = proceeded(council, child)
    screened(council, request)
    assert accept_through_the_decision_page(client, council, request).state == State.READY_TO_CONVENE
