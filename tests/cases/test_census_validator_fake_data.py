"""The DfE CIN validator project's own fake census files (../shared/data/cin-validator-fake/), imported
as they are: each child goes in, or is refused naming the rules the validator names for it; no
child is lost without a word; a second import changes nothing (issue 13, item 5).

What the validator names, worked out from its rules for each return's year (the files' reference
dates are in 2022-23 and 2023-24):
- DfEX0000001 (every small file): its plan starts before its episode's referral (1105), a CIN plan
  starts while the plan runs (4016), and the plan ended before the census year (8930). CIN2rows.xml
  holds the plan twice, so the two overlap (8940). In CIN_Census_2024/2026.xml its assessment
  factors include "RB", which is no census code.
- child_fails_assessments (CIN_Census_2024/2026.xml): Sex "M" in a 2023-24 return, where the codes
  are still 0, 1, 2 and 9 (M, F and U come in with 2024-25): 4180.
- fake_CIN_data.xml: 332 children, no CP plans, nothing broken.
"""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.apps import apps

from cases.census_rules import SCHEMA
from cases.history_import import import_census
from cases.models import Child
from tests.cases.census_xml import SHARED

FAKE = SHARED / "data" / "cin-validator-fake"
BROKEN_PLAN = {"1105", "4016", "8930"}

REFUSED = {
    "CIN2rows.xml": {"DfEX0000001": BROKEN_PLAN | {"8940"}},
    "CIN_Census_2021.xml": {"DfEX0000001": BROKEN_PLAN},
    "CIN_Census_2021_copy.xml": {"DfEX0000001": BROKEN_PLAN},
    "CIN_Census_2021_no_assessment_factors.xml": {"DfEX0000001": BROKEN_PLAN},
    "CIN_Census_2024.xml": {"DfEX0000001": BROKEN_PLAN | {SCHEMA}, "child_fails_assessments": {"4180"}},
    "CIN_Census_2026.xml": {"DfEX0000001": BROKEN_PLAN | {SCHEMA}, "child_fails_assessments": {"4180"}},
    "CIN_header_issues_100.xml": {"DfEX0000001": BROKEN_PLAN},
    "CIN_la_issues_2887Q.xml": {"DfEX0000001": BROKEN_PLAN},
    "fake_CIN_data.xml": {},
}


def children_in(path: Path) -> list[str]:
    """The file's children, read with the standard library, not the app's parser."""
    return [element.findtext("ChildIdentifiers/LAchildID") for element in ET.parse(path).getroot().iter("Child")]


def history_events() -> int:
    return sum(apps.get_model("cases", name).objects.count() for name in ("ChildEvent", "CPPlanEvent"))


def test_every_fake_file_is_known_here():
    assert {path.name for path in FAKE.glob("*.xml")} == set(REFUSED)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_child_goes_in_or_is_refused_with_the_validators_rules(db, name):
    path = FAKE / name
    in_file = children_in(path)
    summary = import_census(str(path))
    refused = {rejection.child_id: set(rejection.rules) for rejection in summary.rejections}
    assert refused == REFUSED[name]
    imported = set(Child.objects.values_list("local_child_id", flat=True))
    assert imported == set(in_file) - set(refused)
    assert summary.children_read == len(in_file)
    assert summary.children_created + summary.children_rejected == len(in_file)


def test_importing_every_file_again_changes_nothing(db):
    paths = [FAKE / name for name in sorted(REFUSED)]
    for path in paths:
        import_census(str(path))
    children, events = Child.objects.count(), history_events()
    for path in paths:
        again = import_census(str(path))
        assert (again.children_created, again.children_updated, again.plans_created, again.plans_updated) == (0,) * 4
        assert again.children_unchanged + again.children_rejected == again.children_read
    assert (Child.objects.count(), history_events()) == (children, events)
    assert children == 332
