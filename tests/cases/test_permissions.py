"""Who sees which child and which request: workers their team's, managers their area's, the council-wide
roles every one, and unallocated children only the council-wide roles. Access follows the child."""

from types import SimpleNamespace

import pytest

from cases.permissions import can_change_child, can_view_child, children_visible_to
from conferences.permissions import can_view_request, requests_visible_to
from tests.factories import ChildFactory, ConferenceRequestFactory, TeamFactory, UserFactory

TEAM = {"social_worker", "practice_lead", "team_manager"}
AREA = {"area_manager", "service_manager"}
COUNCIL = {"cp_chair", "cp_manager", "head_of_service", "auditor"}
OTHER_AREA = {"other_social_worker", "other_team_manager", "other_area_manager"}


@pytest.fixture
def caseload(council):
    """One child (with a request) in the north team, one in a second north team, one in the south, one unallocated."""
    second_north_team = TeamFactory(name="North Through Care", service_area=council.north)
    children = SimpleNamespace(
        north=ChildFactory(team=council.north_team),
        north_other_team=ChildFactory(team=second_north_team),
        south=ChildFactory(team=council.south_team),
        unallocated=ChildFactory(team=None),
    )
    for child in vars(children).values():
        ConferenceRequestFactory(child=child)
    return children


def expected_for(role, caseload) -> set:
    if role in TEAM:
        return {caseload.north}
    if role in AREA:
        return {caseload.north, caseload.north_other_team}
    if role in OTHER_AREA:
        return {caseload.south}
    assert role in COUNCIL
    return set(vars(caseload).values())


def visible(user):
    children = set(children_visible_to(user))
    requests = {request.child for request in requests_visible_to(user)}
    return children, requests


@pytest.mark.parametrize("role", sorted(TEAM | AREA | COUNCIL | OTHER_AREA))
def test_each_role_sees_its_own_children_and_requests(council, caseload, role):
    user = getattr(council, role)
    expected = expected_for(role, caseload)
    assert visible(user) == (expected, expected)
    for child in vars(caseload).values():
        assert can_view_child(user, child) == (child in expected), child
        assert can_view_request(user, child.conference_requests.get()) == (child in expected), child


def test_a_person_with_no_role_sees_nothing(council, caseload):
    assert visible(UserFactory()) == (set(), set())


def test_only_team_and_area_roles_and_cp_staff_change_a_record(council, caseload):
    changers = {role for role in TEAM | AREA | COUNCIL if can_change_child(getattr(council, role), caseload.north)}
    assert changers == (TEAM | AREA | COUNCIL) - {"auditor"}
    assert not can_change_child(council.other_social_worker, caseload.north)


def test_reallocating_a_child_moves_access_to_the_child_and_its_requests(council, caseload):
    child = caseload.north
    child.team = council.south_team
    child.save()
    for role in TEAM | AREA:
        assert child not in visible(getattr(council, role))[0], role
        assert child not in visible(getattr(council, role))[1], role
    for role in OTHER_AREA | COUNCIL:
        assert visible(getattr(council, role)) == ({*expected_for(role, caseload), child},) * 2, role


def test_an_unallocated_child_is_seen_only_council_wide(council, caseload):
    child = caseload.north
    child.team = None
    child.save()
    for role in TEAM | AREA | OTHER_AREA | COUNCIL:
        user = getattr(council, role)
        assert (child in visible(user)[0], child in visible(user)[1]) == (role in COUNCIL,) * 2, role


def test_a_worker_moving_team_takes_their_access_with_them(council, caseload):
    staff = council.social_worker.staff
    staff.team = council.south_team
    staff.save()
    user = type(council.social_worker).objects.get(pk=council.social_worker.pk)
    assert visible(user) == ({caseload.south}, {caseload.south})
