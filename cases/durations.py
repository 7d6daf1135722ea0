"""Lengths of time: in words, for people reading a plan history ("1 year, 2 months and 3 days"), and
the calendar-month tests the repeat-plan rules use (within 12 months, a short or a long plan). Pure."""

from datetime import date

from dateutil.relativedelta import relativedelta

SHORT_PLAN_MONTHS = 3
LONG_PLAN_MONTHS = 18


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def duration_words(start: date, end: date) -> str:
    """Calendar years, months and days from `start` to `end`, the way a month is counted in the rules."""
    if end < start:
        return "0 days"
    gap = relativedelta(end, start)
    parts = [
        _plural(value, unit) for value, unit in ((gap.years, "year"), (gap.months, "month"), (gap.days, "day")) if value
    ]
    if not parts:
        return "0 days"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _months_after(day: date, months: int) -> date | None:
    """`day` plus calendar months, or None when that falls after the last date Python can hold."""
    try:
        return day + relativedelta(months=months)
    except ValueError:
        return None


def within_months(later: date, earlier_end: date, months: int) -> bool:
    """Whether `later` falls before `earlier_end` plus calendar months (29 Feb + 12 months = 28 Feb).

    Calendar arithmetic, not a count of days, because the guidance and the national measure
    speak of "12 months" and "2 years", which a leap year must not stretch.
    """
    limit = _months_after(earlier_end, months)
    return limit is None or later < limit


def is_short(start: date, end: date) -> bool:
    """A plan of 3 months or less suggests it was stepped down before change was embedded (R5).

    The guidance's own example is a plan "for 3 months", one that ended at the first review
    conference: so `end <= start + 3 months` (DESIGN.md section 3)."""
    limit = _months_after(start, SHORT_PLAN_MONTHS)
    return limit is None or end <= limit


def is_long(start: date, end: date) -> bool:
    """A plan of 18 months or more makes it less likely that another plan sustains change (R5)."""
    limit = _months_after(start, LONG_PLAN_MONTHS)
    return limit is not None and end >= limit
