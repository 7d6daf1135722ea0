"""The words on screen for every figure of the indicators, for the page and its files alike.

The figures are keyed for code (`plans_started`, `compliance.partners_informed.percent`); a person
reading a download sees the same words the page shows, from here.
"""

from conferences.models import AlternativeRoute, State
from quality import indicators

FIGURES = {
    "plans_started": "CP plans started",
    "repeat_plans_started": "Repeat plans started (the child had a plan before)",
    "repeat_rate": "Repeat rate (%)",
    "national_repeat_rate_2025": "England's repeat rate, 2025 (%)",
    "repeat_within_12_months": "Repeat plans within 12 months of the previous plan ending",
    "repeat_within_2_years": "Repeat plans within 2 years of the previous plan ending",
    "third_or_later_plans_started": "Third or later plans started",
    "plans_ended": "CP plans ended",
    "repeat_requests_decided": "Repeat requests decided",
    "proceeded": "Proceeded to conference",
    "month": "Month",
    "name": "Name",
}

PERIOD = {"from": "Period: first day", "to": "Period: last day", "service_area": "Service area", "team": "Team"}

OUTCOMES = {
    "proceeded": "Proceeded to conference",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
    **{f"alternative_route.{route}": f"Alternative route: {words}" for route, words in AlternativeRoute.choices},
}

COMPLIANCE_PARTS = {"count": "met", "of": "counted over", "percent": "percent met"}

SECTIONS = {
    "headline": "Headline figures",
    "monthly": "Month by month",
    "by_service_area": "By service area",
    "by_team": "By team",
}


def band_words(band: str) -> str:
    """`3_to_6_months` as the page says it: "3 to 6 months"."""
    return band.replace("_", " ")


def words_for(key: str) -> str:
    """The words for one figure, by its dotted key as `indicator_export.flatten` gives it."""
    head, _, rest = key.partition(".")
    if head == "period":
        return PERIOD.get(rest, rest)
    if head == "plans_ended_by_length":
        return f"CP plans ended lasting {band_words(rest)}"
    if head == "outcomes":
        return f"Outcome: {OUTCOMES[rest]}"
    if head == "compliance":
        measure, _, part = rest.partition(".")
        compliance = indicators.COMPLIANCE[measure]
        counted = f" ({compliance.applies_to})" if part == "of" else ""
        return f"{compliance.label}: {COMPLIANCE_PARTS[part]}{counted}"
    if head == "median_working_days_in_stage":
        stage, _, part = rest.partition(".")
        label = State(stage).label
        return f"Median working days in {label}" if part == "median" else f"Requests timed in {label}"
    return FIGURES.get(key, key)
