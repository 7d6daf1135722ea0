"""The rules every date a person types, a command reads or a census return brings must keep: the one place.

Bounds: no year 0001, no year 9999. The earliest is 1 January 1900 (older than any child's or parent's
record); the latest is five years from today (review dates and expected births lie ahead, never decades
ahead).

Dates that make sense (`date_problems`): a date of what happened is not in the future, not before the
child's life (work on a child's case starts at the earliest in the pregnancy: 40 weeks before the
birth or the expected birth, so pre-birth conferences and plans stay possible), and in order along a
sequence of facts (a strategy discussion before partners are told of it, a submission before the
screening, ...). The sequences themselves are their owners' (conferences/dates.py for a request, the
census rules for a plan); the checks are these, so every form, service, API call and import words
a bad date the same way.

A period of days is England's days (settings.TIME_ZONE): `day_bounds` gives the instants it runs
between, so that a query compares a timestamp with them rather than converting every row's
timestamp to a local date (which no index on the timestamp can serve).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST = date(1900, 1, 1)
YEARS_AHEAD = 5


def latest(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return date(today.year + YEARS_AHEAD, 12, 31)


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The instants a period of whole local days runs between: local midnight as `first` begins, and
    local midnight after `last` (excluded). Midnight always exists in England: the clocks change at 1am."""
    zone = timezone.get_default_timezone()
    return datetime.combine(first, time.min, tzinfo=zone), datetime.combine(
        last + timedelta(days=1), time.min, tzinfo=zone
    )


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_date_bounds(value: date, name: str = "The date", today: date | None = None) -> date:
    """`value` unchanged, or a ValidationError in the GOV.UK words for a date out of range."""
    if value < EARLIEST:
        raise ValidationError(f"{name} must be on or after {_long(EARLIEST)}", code="too_early")
    last = latest(today)
    if value > last:
        raise ValidationError(f"{name} must be on or before {_long(last)}", code="too_late")
    return value


# A pregnancy, counted as midwives count it: work before birth (a pre-birth conference) starts no earlier.
PREGNANCY = timedelta(weeks=40)


def long_date(day: date) -> str:
    """A date as GOV.UK writes it: 3 May 2026."""
    return _long(day)


def earliest_in_childs_life(date_of_birth: date | None, expected_date_of_birth: date | None) -> date | None:
    """The first day anything can have happened on a child's case: 40 weeks before the (expected) birth."""
    birth = date_of_birth or expected_date_of_birth
    return birth - PREGNANCY if birth else None


@dataclass(frozen=True)
class Dated:
    """One date in a sequence of facts: the field it is typed in, how a message names it, its value and its
    place (`rank`). Dates of a lower rank come first; dates of the same rank are not compared."""

    field: str
    label: str
    value: date | None
    rank: int
    happened: bool = True  # something that happened: never in the future


def _birth_problem(item: Dated, date_of_birth, expected_date_of_birth) -> str | None:
    earliest = earliest_in_childs_life(date_of_birth, expected_date_of_birth)
    if earliest is None or item.value >= earliest:
        return None
    birth, words = (date_of_birth, "date of birth") if date_of_birth else (expected_date_of_birth, "expected birth")
    return (
        f"{item.label} must be on or after {_long(earliest)}: no earlier than 40 weeks before the child's "
        f"{words} ({_long(birth)})"
    )


def date_problems(
    dates: Sequence[Dated],
    *,
    checking: Iterable[str] | None = None,
    date_of_birth: date | None = None,
    expected_date_of_birth: date | None = None,
    today: date | None = None,
) -> dict[str, str]:
    """The first problem of each date being checked (`checking`, by field; every date by default), by field.

    A date is checked against the bounds, today (when it is of something that happened), the child's life,
    and every other date of the sequence: on or after the latest of those ranked before it, on or before
    the earliest of those ranked after it. A date already recorded is compared, never blamed: the message
    goes on the date being typed.
    """
    today = today or timezone.localdate()
    wanted = {item.field for item in dates} if checking is None else set(checking)
    known = [item for item in dates if item.value is not None]
    problems = {}
    for item in known:
        if item.field not in wanted:
            continue
        try:
            # Today as given: looking it up again for every date is most of the time a census import spends here.
            check_date_bounds(item.value, item.label, today)
        except ValidationError as error:
            problems[item.field] = error.messages[0]
            continue
        if item.happened and item.value > today:
            problems[item.field] = f"{item.label} must be today or in the past"
            continue
        problem = _birth_problem(item, date_of_birth, expected_date_of_birth)
        if problem:
            problems[item.field] = problem
            continue
        before = [other for other in known if other.rank < item.rank and other.value > item.value]
        after = [other for other in known if other.rank > item.rank and other.value < item.value]
        if before:
            other = max(before, key=lambda other: other.value)
            problems[item.field] = f"{item.label} must be on or after {_long(other.value)}, {_lower(other.label)}"
        elif after:
            other = min(after, key=lambda other: other.value)
            problems[item.field] = f"{item.label} must be on or before {_long(other.value)}, {_lower(other.label)}"
    return problems


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]


def parse_bounded_date(text: str, name: str = "The date") -> date:
    """An ISO date (YYYY-MM-DD) from a command line or a link, within the bounds; ValueError otherwise."""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date: use YYYY-MM-DD, for example 2025-04-01.") from None
    try:
        return check_date_bounds(value, name)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None


def bounded_date_field(**kwargs):
    """The API's date field: ISO dates within the same bounds as the forms."""
    from rest_framework import serializers

    class BoundedDateField(serializers.DateField):
        def to_internal_value(self, value):
            day = super().to_internal_value(value)
            try:
                return check_date_bounds(day, "The date")
            except ValidationError as error:
                raise serializers.ValidationError(error.messages[0]) from None

    return BoundedDateField(**kwargs)
