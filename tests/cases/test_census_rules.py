"""Each DfE census rule that touches a CP plan, as the DfE's validator for the 2024-25 return
checks it: one census file that passes and one that fails, and the import names exactly the
rules the failing child breaks (issue 13, item 1).

The returns are for 2024-25 (reference date 31 March 2025, census year from 1 April 2024)
unless a case says otherwise. Where the DfE's rules make one fault break two rules (two open plans
also overlap), the case lists both.
"""

from datetime import date

import pytest

from cases import census_rules
from cases.census import read_children
from cases.history_import import import_census
from cases.models import Child, CPPlan
from tests.cases import census_xml as x

# rule: (failing child, the rules it breaks, passing child, reference date, or the failing and the
# passing file's reference dates)
CASES = {
    "8925 ends before it starts": (
        x.child("R", x.episode(x.plan("2024-06-01", "2024-05-01"))),
        {"8925"},
        x.child("R", x.episode(x.plan("2024-05-01", "2024-06-01"))),
        "2025-03-31",
    ),
    "8840 starts and ends on one day": (
        x.child("R", x.episode(x.plan("2024-05-01", "2024-05-01"))),
        {"8840"},
        x.child("R", x.episode(x.plan("2024-05-01", "2024-05-02"))),
        "2025-03-31",
    ),
    "8935 two open plans": (
        x.child("R", x.episode(x.plan("2024-05-01")), x.episode(x.plan("2024-09-01"))),
        {"8935", "8940"},  # an open plan runs to the reference date, so the second also overlaps it
        x.child("R", x.episode(x.plan("2024-05-01", "2024-08-01")), x.episode(x.plan("2024-09-01"))),
        "2025-03-31",
    ),
    "8940 starts the day the other ended": (
        x.child("R", x.episode(x.plan("2024-05-01", "2024-08-01")), x.episode(x.plan("2024-08-01", "2024-10-01"))),
        {"8940"},
        x.child("R", x.episode(x.plan("2024-05-01", "2024-08-01")), x.episode(x.plan("2024-08-02", "2024-10-01"))),
        "2025-03-31",
    ),
    "8940 starts inside another": (
        x.child("R", x.episode(x.plan("2024-05-01", "2024-08-01")), x.episode(x.plan("2024-06-01", "2024-10-01"))),
        {"8940"},
        x.child("R", x.episode(x.plan("2024-05-01", "2024-05-31")), x.episode(x.plan("2024-06-01", "2024-10-01"))),
        "2025-03-31",
    ),
    "8905 initial category not a code": (
        x.child("R", x.episode(x.plan("2024-05-01", initial="XYZ"))),
        {"8905"},
        x.child("R", x.episode(x.plan("2024-05-01", initial="PHY"))),
        "2025-03-31",
    ),
    "8905 initial category missing": (
        x.child("R", x.episode(x.plan("2024-05-01", initial=""))),
        {"8905"},
        x.child("R", x.episode(x.plan("2024-05-01", initial="MUL"))),
        "2025-03-31",
    ),
    "8910 latest category missing": (
        x.child("R", x.episode(x.plan("2024-05-01", latest=""))),
        {"8910"},
        x.child("R", x.episode(x.plan("2024-05-01", latest="EMO"))),
        "2025-03-31",
    ),
    "8910 latest category not a code": (
        x.child("R", x.episode(x.plan("2024-05-01", latest="ABC"))),
        {"8910"},
        x.child("R", x.episode(x.plan("2024-05-01", latest="SAB"))),
        "2025-03-31",
    ),
    "8730 number of previous plans missing": (
        x.child("R", x.episode(x.plan("2024-05-01", previous=None))),
        {"8730"},
        x.child("R", x.episode(x.plan("2024-05-01", previous="0"))),
        "2025-03-31",
    ),
    "8730 number of previous plans below 0": (
        x.child("R", x.episode(x.plan("2024-05-01", previous="-1"))),
        {"8730"},
        x.child("R", x.episode(x.plan("2024-05-01", previous="3"))),
        "2025-03-31",
    ),
    "8841 review on the start day": (
        x.child("R", x.episode(x.plan("2024-05-01", reviews=("2024-05-01",)))),
        {"8841"},
        x.child("R", x.episode(x.plan("2024-05-01", reviews=("2024-05-02",)))),
        "2025-03-31",
    ),
    "8915 starts after death": (
        x.child("R", x.episode(x.plan("2024-05-01")), death="2024-04-30"),
        {"8915"},
        x.child("R", x.episode(x.plan("2024-05-01", "2024-05-02")), death="2024-05-02"),
        "2025-03-31",
    ),
    "8920 ends after death": (
        x.child("R", x.episode(x.plan("2024-05-01", "2024-07-01")), death="2024-06-30"),
        {"8920"},
        x.child("R", x.episode(x.plan("2024-05-01", "2024-07-01")), death="2024-07-01"),
        "2025-03-31",
    ),
    "8720 starts after the reference date": (
        x.child("R", x.episode(x.plan("2025-04-01"))),
        {"8720"},
        x.child("R", x.episode(x.plan("2025-03-31"))),
        "2025-03-31",
    ),
    "8720 no start date": (
        x.child("R", x.episode(x.plan(""))),
        {"8720"},
        x.child("R", x.episode(x.plan("2024-04-01"))),
        "2025-03-31",
    ),
    "8930 ends before the census year": (
        x.child("R", x.episode(x.plan("2023-05-01", "2024-03-31"))),
        {"8930"},
        x.child("R", x.episode(x.plan("2023-05-01", "2024-04-01"))),
        "2025-03-31",
    ),
    "8930 ends after the reference date": (
        x.child("R", x.episode(x.plan("2024-05-01", "2025-04-01"))),
        {"8930"},
        x.child("R", x.episode(x.plan("2024-05-01", "2025-03-31"))),
        "2025-03-31",
    ),
    "2885 CIN details conference on another day": (
        x.child("R", x.episode(x.plan("2024-05-01"), conference="2024-04-28")),
        {"2885"},
        x.child("R", x.episode(x.plan("2023-05-01", "2024-06-01"), conference="2023-04-28")),  # before the year
        "2025-03-31",
    ),
    "2885 no conference recorded": (
        x.child("R", x.episode(x.plan("2024-05-01"), conference="")),
        {"2885"},
        x.child("R", x.episode(x.plan("2024-05-01"), conference="2024-05-01")),
        "2025-03-31",
    ),
    "2885 Section 47 with the conference required but no date": (
        x.child("R", x.episode(x.plan("2024-05-01"), conference="2024-05-01", enquiries=[x.section47()])),
        {"2885"},
        x.child("R", x.episode(x.plan("2024-05-01"), conference="", enquiries=[x.section47("2024-05-01")])),
        "2025-03-31",
    ),
    "2885 Section 47 conference on another day, CIN details matching": (
        x.child("R", x.episode(x.plan("2024-05-01"), conference="2024-05-01", enquiries=[x.section47("2024-04-30")])),
        {"2885"},
        x.child(
            "R",
            x.episode(
                x.plan("2024-05-01"), conference="", enquiries=[x.section47("2024-04-30"), x.section47("2024-05-01")]
            ),
        ),
        "2025-03-31",
    ),
    "1105 starts before the referral": (
        x.child("R", x.episode(x.plan("2024-05-01"), referral="2024-06-01")),
        {"1105"},
        x.child("R", x.episode(x.plan("2024-05-01"), referral="2024-05-01")),
        "2025-03-31",
    ),
    "4001 open CIN plan beside the open CP plan": (
        x.child("R", x.episode(x.plan("2024-05-01"), cin_plans=[("2023-01-01", None)])),
        {"4001", "4017"},  # the CP plan also starts while the CIN plan runs
        x.child("R", x.episode(x.plan("2024-05-01"), cin_plans=[("2023-01-01", "2024-05-01")])),
        "2025-03-31",
    ),
    "4016 CIN plan starts during the CP plan": (
        x.child("R", x.episode(x.plan("2024-05-01", "2024-08-01"), cin_plans=[("2024-06-01", "2024-07-01")])),
        {"4016"},
        x.child("R", x.episode(x.plan("2024-05-01", "2024-08-01"), cin_plans=[("2024-08-01", "2024-09-01")])),
        "2025-03-31",
    ),
    "4017 CP plan starts during the CIN plan": (
        x.child("R", x.episode(x.plan("2024-05-01"), cin_plans=[("2024-04-01", "2024-06-01")])),
        {"4017"},
        x.child("R", x.episode(x.plan("2024-06-01"), cin_plans=[("2024-04-01", "2024-06-01")])),
        "2025-03-31",
    ),
    "4180 Sex M before 2024-25": (
        x.child("R", x.episode(x.plan("2023-05-01")), sex="M", sex_tag="Sex"),
        {"4180"},
        x.child("R", x.episode(x.plan("2023-05-01")), sex="1", sex_tag="Sex"),
        "2024-03-31",
    ),
    "4180 Sex not a code in 2024-25": (
        x.child("R", x.episode(x.plan("2024-05-01")), sex="X", sex_tag="Sex"),
        {"4180"},
        x.child("R", x.episode(x.plan("2024-05-01")), sex="M", sex_tag="Sex"),
        "2025-03-31",
    ),
    "assessment factor 18A after 2022-23": (
        x.child("R", x.episode(x.plan("2024-05-01"), factors=("18A",))),
        {census_rules.SCHEMA},
        x.child("R", x.episode(x.plan("2022-05-01"), factors=("18A", "19A"))),
        ("2025-03-31", "2023-03-31"),  # 18A and 19A were codes up to the 2022-23 return
    ),
    "NumberOfPreviousCPP too large to be a count": (
        x.child("R", x.episode(x.plan("2024-05-01", previous="40000"))),
        {census_rules.SCHEMA},
        x.child("R", x.episode(x.plan("2024-05-01", previous="12"))),
        "2025-03-31",
    ),
}


def references(reference) -> tuple[str, str]:
    return (reference, reference) if isinstance(reference, str) else reference


@pytest.mark.parametrize("case", CASES)
def test_the_failing_file_is_refused_naming_exactly_the_rules_it_breaks(db, tmp_path, case):
    failing, rules, _passing, reference = CASES[case]
    path = x.write(tmp_path, "failing.xml", x.census(failing, reference=references(reference)[0]))
    summary = import_census(str(path))
    (rejection,) = summary.rejections
    assert (rejection.child_id, set(rejection.rules)) == ("R", rules)
    assert not Child.objects.exists()
    for violation in rejection.violations:
        if violation.rule != census_rules.SCHEMA:
            assert violation.message.startswith(census_rules.DFE_MESSAGES[violation.rule])


@pytest.mark.parametrize("case", CASES)
def test_the_passing_file_goes_in(db, tmp_path, case):
    _failing, _rules, passing, reference = CASES[case]
    path = x.write(tmp_path, "passing.xml", x.census(passing, reference=references(reference)[1]))
    summary = import_census(str(path))
    assert summary.rejections == []
    assert summary.children_created == 1


def test_every_rule_a_child_breaks_is_reported_not_only_the_first(db, tmp_path):
    child = x.child(
        "R",
        x.episode(x.plan("2024-06-01", "2024-05-01", initial="XYZ"), referral="2024-07-01"),
        x.episode(x.plan("2024-08-01", "2024-10-01", previous=None), conference="2024-07-30"),
        x.episode(x.plan("2024-10-01", "2024-11-01")),
        sex="7",
    )
    path = x.write(tmp_path, "r.xml", x.census(child))
    (rejection,) = import_census(str(path)).rejections
    assert set(rejection.rules) == {"8925", "8905", "1105", "8730", "2885", "8940", "4180"}


def test_a_plan_held_already_counts_for_8940(db, tmp_path):
    held = x.write(tmp_path, "held.xml", x.census(x.child("R", x.episode(x.plan("2024-05-01", "2024-08-01")))))
    assert import_census(str(held)).rejections == []
    touching = x.write(tmp_path, "touching.xml", x.census(x.child("R", x.episode(x.plan("2024-08-01", "2024-10-01")))))
    (rejection,) = import_census(str(touching)).rejections
    assert rejection.rules == ("8940",)
    assert CPPlan.objects.count() == 1


def test_a_huge_number_of_previous_plans_is_refused_not_a_database_error(db, tmp_path):
    path = x.write(tmp_path, "r.xml", x.census(x.child("R", x.episode(x.plan("2024-05-01", previous="40000")))))
    (rejection,) = import_census(str(path)).rejections
    assert "NumberOfPreviousCPP 40000" in rejection.violations[0].message
    assert "smallint" not in rejection.violations[0].message


def test_a_sex_of_m_is_stored_as_the_census_writes_it(db, tmp_path):
    path = x.write(tmp_path, "r.xml", x.census(x.child("R", x.episode(x.plan("2024-05-01")), sex="M", sex_tag="Sex")))
    import_census(str(path))
    child = Child.objects.get()
    assert (child.sex, child.get_sex_display()) == ("M", "Male")


def test_the_rules_read_the_same_from_the_parser_without_a_database(tmp_path):
    """`child_violations` is the one check: the import only adds what it holds already."""
    failing, rules, _passing, reference = CASES["8940 starts the day the other ended"]
    path = x.write(tmp_path, "r.xml", x.census(failing, reference=reference))
    (child,) = read_children(str(path))
    assert {v.rule for v in census_rules.child_violations(child)} == rules
    assert child.reference_date == date(2025, 3, 31)
