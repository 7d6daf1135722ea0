"""The rules' measures of time on CP plans (DESIGN.md section 3): within N calendar months of an
end, short, long. The assessment, the child's page and the reports all use these.

Calendar arithmetic, not a count of days, because the guidance and the national measure speak of
"12 months" and "2 years", which a leap year must not stretch.
"""

from datetime import date

from dateutil.relativedelta import relativedelta

SHORT_PLAN_MONTHS = 3
LONG_PLAN_MONTHS = 18


def _months_after(day: date, months: int) -> date | None:
    """`day` plus calendar months, or None when that falls after the last date Python can hold."""
    try:
        return day + relativedelta(months=months)
    except ValueError:
        return None


def within_months(later: date, earlier_end: date, months: int) -> bool:
    """Whether `later` falls before `earlier_end` plus calendar months (29 Feb + 12 months = 28 Feb)."""
    limit = _months_after(earlier_end, months)
    return limit is None or later < limit


def is_short(start: date, end: date) -> bool:
    """A plan of 3 months or less suggests it was stepped down before change was embedded (R5).

    The guidance's own example is a plan "for 3 months", one that ended at the first review
    conference: so `end <= start + 3 months`."""
    limit = _months_after(start, SHORT_PLAN_MONTHS)
    return limit is None or end <= limit


def is_long(start: date, end: date) -> bool:
    """A plan of 18 months or more makes it less likely that another plan sustains change (R5)."""
    limit = _months_after(start, LONG_PLAN_MONTHS)
    return limit is not None and end >= limit
