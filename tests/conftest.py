"""Fixtures shared by every test: a council in miniature with one person in each role."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import TransactionTestCase

from cases.permissions import ensure_role_groups
from tests.factories import ServiceAreaFactory, StaffFactory, TeamFactory


@pytest.fixture(scope="session", autouse=True)
def flush_past_append_only_guards():
    """Let the test flush through the trail tables' TRUNCATE guards, and nothing else.

    A transactional test (`transaction=True`, `live_server`) ends with Django's flush, one TRUNCATE
    of every table. The trail tables refuse TRUNCATE by trigger, which is their point, and no
    session setting the app's role may use lifts that guard. The suite connects as the owner, so
    only its flush runs in replica mode (`session_replication_role`, a setting only a superuser may
    change), where ordinary triggers do not fire; tests and the app still meet every guard.
    """
    flush = TransactionTestCase._fixture_teardown

    def flush_as_replica(self):
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            flush(self)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", flush_as_replica)
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests make many users; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def reports_read_the_primary(settings):
    """The replica alias mirrors the test database through its own connection, which cannot see a
    test's uncommitted rows; tests/quality/test_replica.py turns report reads to it, with committed rows."""
    settings.REPORTS_DATABASE = "default"


@pytest.fixture(autouse=True)
def second_factor_off(settings):
    """Casework tests sign people in with a password alone, as DJANGO_MFA=off does for local checks;
    tests/accounts and the second-factor browser journey switch it back on."""
    settings.MFA_REQUIRED = False


@pytest.fixture
def council(db):
    """Two service areas with a team each, and one person for every role.

    `council.north_team` is the children's team; `council.other_*` people work in the other area.
    """
    ensure_role_groups()
    north = ServiceAreaFactory(name="Area Units")
    south = ServiceAreaFactory(name="Birth-25 Service")
    north_team = TeamFactory(name="North Area Unit", service_area=north)
    south_team = TeamFactory(name="South Birth-25 Team", service_area=south)

    def person(role, username, team=None, area=None):
        return StaffFactory(role=role, team=team, service_area=area, user__username=username).user

    return SimpleNamespace(
        north=north,
        south=south,
        north_team=north_team,
        south_team=south_team,
        social_worker=person("social_worker", "sw", team=north_team),
        practice_lead=person("practice_lead", "pl", team=north_team),
        team_manager=person("team_manager", "tm", team=north_team),
        area_manager=person("area_manager", "am", area=north),
        service_manager=person("service_manager", "sm", area=north),
        cp_chair=person("cp_chair", "chair"),
        cp_chair_2=person("cp_chair", "chair2"),
        cp_manager=person("cp_manager", "cpm"),
        head_of_service=person("head_of_service", "hos"),
        auditor=person("auditor", "auditor"),
        data_manager=person("data_manager", "data.manager"),
        other_social_worker=person("social_worker", "sw_south", team=south_team),
        other_team_manager=person("team_manager", "tm_south", team=south_team),
        other_area_manager=person("area_manager", "am_south", area=south),
    )
