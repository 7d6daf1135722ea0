"""Lengths of time in words, for people reading a plan history ("1 year, 2 months and 3 days")."""

from datetime import date

from dateutil.relativedelta import relativedelta


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
