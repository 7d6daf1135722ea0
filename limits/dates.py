"""Sensible bounds for every date a person types or a command reads: no year 0001, no year 9999.

The earliest is 1 January 1900 (older than any child's or parent's record); the latest is five
years from today (review dates and expected births lie ahead, never decades ahead).

A period of days is England's days (settings.TIME_ZONE): `day_bounds` gives the instants it runs
between, so that a query compares a timestamp with them rather than converting every row's
timestamp to a local date (which no index on the timestamp can serve).
"""

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


def check_date_bounds(value: date, name: str = "The date") -> date:
    """`value` unchanged, or a ValidationError in the GOV.UK words for a date out of range."""
    if value < EARLIEST:
        raise ValidationError(f"{name} must be on or after {_long(EARLIEST)}", code="too_early")
    last = latest()
    if value > last:
        raise ValidationError(f"{name} must be on or before {_long(last)}", code="too_late")
    return value


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
