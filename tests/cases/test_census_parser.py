"""The census parser reads a return into plain records, one child at a time, touching no database."""

import io
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from cases import census
from cases.census import read_children
from tests.cases import census_xml as x


def parse(text: str):
    return list(read_children(io.BytesIO(text.encode())))


def test_sample_children_come_out_in_file_order_with_their_plans():
    children = list(read_children(str(x.SAMPLE)))
    root = ET.parse(x.SAMPLE).getroot()
    in_file = [c.findtext("ChildIdentifiers/LAchildID") for c in root.iter("Child")]
    assert [c.local_child_id for c in children] == in_file
    first = children[0]
    assert first.local_child_id == "HID00009"
    assert first.reference_date == date(2025, 3, 31)
    assert first.date_of_birth == date(2013, 7, 21)
    assert first.sex == "2"
    assert first.ethnicity == "WBRI"
    (plan,) = first.plans
    assert (plan.start_date, plan.end_date) == (date(2024, 9, 1), date(2024, 5, 1))
    assert (plan.initial_category, plan.latest_category, plan.declared_previous_plans) == ("PHY", "PHY", 0)
    assert plan.referral_date == date(2024, 8, 12)
    assert (plan.episode_conference, plan.section47_conferences) == (date(2024, 9, 1), ())


def test_a_file_object_is_read_as_a_stream():
    with x.SAMPLE.open("rb") as stream:
        assert sum(1 for _ in read_children(stream)) == 355


def test_sex_is_read_from_gender_current_or_from_sex():
    children = parse(x.census(x.child("A", sex="1"), x.child("B", sex="9", sex_tag="Sex")))
    assert [c.sex for c in children] == ["1", "9"]


def test_assessment_factors_belong_to_the_plans_of_their_own_episode():
    text = x.census(
        x.child(
            "A",
            x.episode(x.plan("2020-01-10", "2020-09-01"), factors=("3B", "2B", "3B")),
            x.episode(x.plan("2023-02-01"), referral="2023-01-01", factors=("16A",)),
        )
    )
    (child,) = parse(text)
    assert [(p.start_date, p.assessment_factors, p.episode) for p in child.plans] == [
        (date(2020, 1, 10), ("3B", "2B"), 0),
        (date(2023, 2, 1), ("16A",), 1),
    ]


def test_reviews_death_disability_and_child_in_need_plans_are_read():
    text = x.census(
        x.child(
            "A",
            x.episode(x.plan("2024-01-10", reviews=("2024-04-01", "2024-10-01")), cin_plans=[("2023-06-01", None)]),
            death="2025-01-01",
            disabilities=("AUT", "HEAR"),
        ),
        x.child("B", disabilities=("NONE",)),
        x.child("C"),
    )
    a, b, c = parse(text)
    assert a.plans[0].review_dates == (date(2024, 4, 1), date(2024, 10, 1))
    assert a.death_date == date(2025, 1, 1)
    assert [(p.start_date, p.end_date) for p in a.cin_plans] == [(date(2023, 6, 1), None)]
    assert (a.has_disability, b.has_disability, c.has_disability) == (True, False, None)


def test_missing_number_of_previous_plans_is_none_and_zero_is_zero():
    (child,) = parse(x.census(x.child("A", x.episode(x.plan("2024-01-10", previous=None), x.plan("2024-06-01")))))
    assert [p.declared_previous_plans for p in child.plans] == [None, 0]


def test_values_that_cannot_be_read_are_listed_not_raised():
    child, next_child = parse(x.census(x.child("A", x.episode(x.plan("2024-31-01"), conference="")), x.child("B")))
    assert next_child.format_problems == ()
    assert child.format_problems == ("CPPstartDate '2024-31-01' is not a date (YYYY-MM-DD)",)
    assert child.plans[0].start_date is None


def test_section_47_conferences_are_read_one_per_enquiry():
    enquiries = (x.section47("2024-05-01"), x.section47())
    (child,) = parse(x.census(x.child("A", x.episode(x.plan("2024-05-01"), conference="", enquiries=enquiries))))
    (plan,) = child.plans
    assert (plan.episode_conference, plan.section47_conferences) == (None, (date(2024, 5, 1), None))


def test_a_number_of_previous_plans_that_is_not_a_number_is_listed():
    (child,) = parse(x.census(x.child("A", x.episode(x.plan("2024-05-01", previous="two")))))
    assert child.format_problems == ("NumberOfPreviousCPP 'two' is not a whole number",)
    assert child.plans[0].declared_previous_plans is None


def test_a_namespaced_return_reads_the_same():
    text = x.census(x.child("A", x.episode(x.plan("2024-01-10")))).replace(
        "<Message>", '<Message xmlns="http://www.dfe.gov.uk/CIN">'
    )
    (child,) = parse(text)
    assert child.local_child_id == "A"
    assert child.plans[0].start_date == date(2024, 1, 10)
    assert child.reference_date == date(2025, 3, 31)


def test_children_before_a_fault_in_the_xml_are_yielded_before_the_error():
    text = x.census(x.child("A"), x.child("B")).replace("</Children>", "<Child><ChildIdentifiers></Children>")
    seen = []
    with pytest.raises(ET.ParseError):
        for child in read_children(io.BytesIO(text.encode())):
            seen.append(child.local_child_id)
    assert seen == ["A", "B"]


def test_children_are_found_by_their_tags_whatever_hides_the_text_child_or_cuts_the_file(monkeypatch):
    """Comments, CDATA, processing instructions and text may all say <Child>; only tags count, and
    where the file is cut into chunks changes nothing."""
    hidden = (
        "<!-- <Child><ChildIdentifiers><LAchildID>COMMENT</LAchildID></ChildIdentifiers></Child> --><?note </Child> ?>"
    )
    first = x.child("A", x.episode(x.plan("2024-01-10"))).replace(
        "<Ethnicity>WBRI</Ethnicity>", "<Ethnicity><![CDATA[WBRI]]></Ethnicity><!-- </Child> -->"
    )
    text = x.census(hidden + first, '<Child kind="a > b"/>', x.child("B", x.episode(x.plan("2023-02-01"))))
    whole = parse(text)
    assert [(c.local_child_id, c.ethnicity) for c in whole] == [("A", "WBRI"), ("", ""), ("B", "WBRI")]
    for size in (1, 7, 64):
        monkeypatch.setattr(census, "READ_CHUNK", size)
        assert parse(text) == whole


def test_a_return_with_namespace_prefixes_reads_the_same():
    text = x.census(x.child("A", x.episode(x.plan("2024-01-10"))))
    prefixed = re.sub(r"<(/?)(\w+)", r"<\1cin:\2", text.split("\n", 1)[1]).replace(
        "<cin:Message>", '<cin:Message xmlns:cin="http://www.dfe.gov.uk/CIN">'
    )
    (child,) = parse(prefixed)
    assert (child.local_child_id, child.plans[0].start_date, child.reference_date) == (
        "A",
        date(2024, 1, 10),
        date(2025, 3, 31),
    )
