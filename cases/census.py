"""Reading a DfE Children in Need census return (XML), one child at a time.

A council's return, or several years of them, can be far larger than memory should hold, so the
file is streamed with `iterparse`: each <Child> is turned into plain dataclasses as soon as it
has been read and then cleared and detached from the tree, so memory stays flat whatever the
file's size. No database here, and no rules: the import (cases/history_import.py) applies the
census rules (cases/census_rules.py) to what this hands over.

Values are taken as the file gives them; a value that cannot be read (a date that is not a date)
is listed in `CensusChild.format_problems` rather than raised, so that one bad child does not
stop the rest of the file.
"""

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TRUE = {"true", "1"}


@dataclass(frozen=True)
class CensusPlan:
    """One <ChildProtectionPlans> module, with what its episode (<CINdetails>) says about it."""

    start_date: date | None
    end_date: date | None
    initial_category: str
    latest_category: str
    declared_previous_plans: int | None
    review_dates: tuple[date, ...]
    assessment_factors: tuple[str, ...]
    episode: int
    referral_date: date | None
    initial_conference_dates: tuple[date, ...]


@dataclass(frozen=True)
class CensusCINPlan:
    """One <CINPlanDates> module: a Child in Need plan, which may not run beside a CP plan."""

    start_date: date
    end_date: date | None
    episode: int


@dataclass(frozen=True)
class CensusChild:
    """One <Child> of the return. The census holds no names; `local_child_id` is LAchildID."""

    local_child_id: str
    reference_date: date | None
    date_of_birth: date | None
    expected_date_of_birth: date | None
    death_date: date | None
    sex: str
    ethnicity: str
    has_disability: bool | None
    plans: tuple[CensusPlan, ...]
    cin_plans: tuple[CensusCINPlan, ...]
    format_problems: tuple[str, ...]


def _parse_date(raw: str) -> date | None:
    """A census date, or None when it is not one. xs:date may carry a time zone
    ("2024-05-01Z", "2024-05-01+01:00"); the day is what counts."""
    if not _DATE.match(raw):
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        return None


def _local(tag: str) -> str:
    """The element's name without any namespace, so files with and without one read alike."""
    return tag.rsplit("}", 1)[-1]


class _Reader:
    """Turns one <Child> element into a CensusChild, collecting what it could not read."""

    def __init__(self, reference_date: date | None):
        self.reference_date = reference_date
        self.problems: list[str] = []

    def text(self, element, path: str) -> str:
        return (element.findtext(path) or "").strip() if element is not None else ""

    def day(self, element, path: str) -> date | None:
        raw = self.text(element, path)
        return self._checked_date(path.rsplit("/", 1)[-1], raw) if raw else None

    def days(self, element, path: str) -> tuple[date, ...]:
        found = (self._checked_date(item.tag, (item.text or "").strip()) for item in element.findall(path))
        return tuple(day for day in found if day is not None)

    def _checked_date(self, name: str, raw: str) -> date | None:
        day = _parse_date(raw)
        if day is None:
            self.problems.append(f"{name} {raw!r} is not a date (YYYY-MM-DD)")
        return day

    def number(self, element, path: str) -> int | None:
        raw = self.text(element, path)
        try:
            return int(raw)
        except ValueError:
            return None

    def child(self, element) -> CensusChild:
        ids = element.find("ChildIdentifiers")
        characteristics = element.find("ChildCharacteristics")
        disabilities = [] if characteristics is None else characteristics.findall("Disabilities/Disability")
        codes = {(d.text or "").strip().upper() for d in disabilities}
        plans, cin_plans = [], []
        for episode, details in enumerate(element.findall("CINdetails")):
            plans += self.plans(details, episode)
            for cin_plan in details.findall("CINPlanDates"):
                start = self.day(cin_plan, "CINPlanStartDate")
                if start is not None:
                    cin_plans.append(CensusCINPlan(start, self.day(cin_plan, "CINPlanEndDate"), episode))
        local_child_id = self.text(ids, "LAchildID")
        if not local_child_id:
            self.problems.append("the child has no LAchildID")
        return CensusChild(
            local_child_id=local_child_id,
            reference_date=self.reference_date,
            date_of_birth=self.day(ids, "PersonBirthDate"),
            expected_date_of_birth=self.day(ids, "ExpectedPersonBirthDate"),
            death_date=self.day(ids, "PersonDeathDate"),
            # GenderCurrent in the 2024 schema, Sex in other years' files.
            sex=self.text(ids, "GenderCurrent") or self.text(ids, "Sex"),
            ethnicity=self.text(characteristics, "Ethnicity"),
            has_disability=(codes != {"NONE"}) if codes else None,
            plans=tuple(plans),
            cin_plans=tuple(cin_plans),
            format_problems=tuple(self.problems),
        )

    def plans(self, details, episode: int) -> list[CensusPlan]:
        factors = tuple(
            dict.fromkeys(
                (item.text or "").strip()
                for item in details.findall("Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors")
                if (item.text or "").strip()
            )
        )
        conferences = tuple(
            d
            for d in (self.day(details, "DateOfInitialCPC"), *self.days(details, "Section47/DateOfInitialCPC"))
            if d is not None
        )
        referral = self.day(details, "CINreferralDate")
        found = []
        for plan in details.findall("ChildProtectionPlans"):
            start = self.day(plan, "CPPstartDate")
            if start is None and not self.text(plan, "CPPstartDate"):
                self.problems.append("a CP plan has no CPPstartDate")
            found.append(
                CensusPlan(
                    start_date=start,
                    end_date=self.day(plan, "CPPendDate"),
                    initial_category=self.text(plan, "InitialCategoryOfAbuse"),
                    latest_category=self.text(plan, "LatestCategoryOfAbuse"),
                    declared_previous_plans=self.number(plan, "NumberOfPreviousCPP"),
                    review_dates=self.days(plan, "Reviews/CPPreviewDate"),
                    assessment_factors=factors,
                    episode=episode,
                    referral_date=referral,
                    initial_conference_dates=conferences,
                )
            )
        return found


def read_children(source: str | BinaryIO) -> Iterator[CensusChild]:
    """Yield every <Child> of a census return, in file order, holding one child in memory at a time.

    `source` is a path or a binary file object. Raises xml.etree.ElementTree.ParseError where the
    file stops being well-formed XML; the children before that point have been yielded.
    """
    reference_date = None
    open_elements = []
    for event, element in ET.iterparse(source, events=("start", "end")):
        if event == "start":
            open_elements.append(element)
            continue
        open_elements.pop()
        name = _local(element.tag)
        if name == "ReferenceDate" and reference_date is None:
            reference_date = _parse_date((element.text or "").strip())
        elif name == "Child":
            for item in element.iter():
                item.tag = _local(item.tag)
            yield _Reader(reference_date).child(element)
            element.clear()
            if open_elements:
                open_elements[-1].remove(element)
