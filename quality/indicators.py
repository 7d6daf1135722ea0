"""Performance indicators (R15): one definition of each, computed in the database.

Every indicator is a SQL predicate over one of two row sets, written once below and used both to
count (aggregates with FILTER) and to list the cases behind a number (drill-down), so the figure
and the list can never disagree.

`plan_facts`: one row per CP plan that starts or ends in the period, from the facts the database keeps
on every write of a plan or a child's team (cases.PlanFacts: the plan's dates, the child's team, the
count of previous plans, the previous plan's end), so no query reads the child's earlier plans in
order or joins every child.
- A plan *starts in the period* / *ends in the period* by its start or end date. Plans held by
  other councils are history only: they count as earlier plans, never as this council's plans.
- Previous plans = cases.selectors' count before the plan: the plans on record before it, raised to
  the census's NumberOfPreviousCPP (CPPlan.declared_previous_plans). Repeat = previous plans >= 1;
  third or later = previous plans >= 2.
- Within 12 months / 2 years: the plan starts before the previous plan on record ended + 1 year
  / + 2 years, the assessment's rule (conferences.assessment.within_months). PostgreSQL's
  `date + interval '1 year'` is calendar arithmetic like dateutil's (29 Feb 2024 + 1 year =
  28 Feb 2025); tests/quality/test_indicators.py holds the two equal on the boundaries.
- Length bands include their upper bound: exactly 3 months is "up_to_3_months".

`request_facts`: one row per repeat request *decided* in the period: its last transition out of
manager discussion, CP chair screening or Head of Service sign-off into a final outcome (ready to
convene = proceeded, an alternative route, declined, withdrawn), dated by that audit event. The
period's days are England's (limits.dates.day_bounds), compared as instants so that the index on the
trail's time serves the query. Only repeat requests ever reach those stages. Each compliance measure
restates the check of conferences.requirements.step_missing for its step (a test holds them equal),
except that challenge and resolution counts challenges actually issued (the step also accepts a
recorded reason not to issue one). Each is counted over the requests the step applies to: every
decided request for the manager discussion and partners informed; requests that reached screening
for the chair's conversation, the CP Manager's consultation, siblings (children with siblings) and
challenge and resolution (where the previous plans held a trigger: actions outstanding, core-group
actions not implemented, or a plan of 3 months or less); third or later plans that proceeded for the
Head of Service's agreement. The history is read as at the request's submission (plans that ended on
or before that day), as the assessment reads it.

Time in each stage: the working days between entering a stage and leaving it (the audit events'
state_before/state_after), summed per request and the median taken with percentile_cont. Working
days are counted in SQL the way conferences.timescales.working_days_between counts them (the
working days after the day a stage was entered up to and including the day it was left; Monday to
Friday less the bank holidays that module lists), so the median is taken in the database; a test
holds the two counts equal.

A page, its files and the command ask for every figure at once (`report`): one query over the plans
and one over the requests, each working out every measure once per row and counting per team and per
month in one pass (GROUPING SETS; the whole and each service area are the sums of the teams), the
median days in stage (over the decided requests alone, not their facts), and the names of the areas
and teams.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models.expressions import RawSQL

from cases.codes import NATIONAL_REPEAT_RATE_2025
from conferences.models import AlternativeRoute, State
from conferences.timescales import bank_holidays
from limits.dates import day_bounds
from quality.replica import report_cursor

PLAN_LENGTH_BANDS = {
    "up_to_3_months": (None, "3 months"),
    "3_to_6_months": ("3 months", "6 months"),
    "6_to_12_months": ("6 months", "1 year"),
    "1_to_2_years": ("1 year", "2 years"),
    "2_years_or_more": ("2 years", None),
}


def length_band(plan: str = "plan") -> str:
    """SQL: the band of the plan's length, the first whose upper bound (included) its end does not pass;
    worked out once per plan, one bound after another, rather than both bounds of every band."""
    whens = [
        f"WHEN {plan}.end_date <= {plan}.start_date + interval '{upper}' THEN '{band}'"
        for band, (_, upper) in PLAN_LENGTH_BANDS.items()
        if upper
    ]
    last = next(band for band, (_, upper) in PLAN_LENGTH_BANDS.items() if upper is None)
    return f"CASE {' '.join(whens)} ELSE '{last}' END"


REPEAT = "started AND previous_plans >= 1"

PLAN_MEASURES = {
    "plans_started": "started",
    "repeat_plans_started": REPEAT,
    "repeat_within_12_months": f"{REPEAT} AND start_date < previous_end + interval '1 year'",
    "repeat_within_2_years": f"{REPEAT} AND start_date < previous_end + interval '2 years'",
    "third_or_later_plans_started": "started AND previous_plans >= 2",
    "plans_ended": "ended",
    **{f"plans_ended_{band}": f"ended AND length_band = '{band}'" for band in PLAN_LENGTH_BANDS},
}

GATEKEEPING_STAGES = (State.MANAGER_DISCUSSION, State.CPC_SCREENING, State.HEAD_OF_SERVICE_SIGNOFF)
OUTCOME_STATES = (State.READY_TO_CONVENE, State.CLOSED_ALTERNATIVE_ROUTE, State.DECLINED, State.WITHDRAWN)
TIMED_STAGES = (State.PRIOR_PLAN_CHECK, *GATEKEEPING_STAGES)

REACHED_SCREENING = f"decided_from IN ('{State.CPC_SCREENING}', '{State.HEAD_OF_SERVICE_SIGNOFF}')"


@dataclass(frozen=True)
class Compliance:
    label: str
    applies_to: str  # who the step applies to, in words
    applies: str  # SQL predicate on request_facts
    met: str  # SQL predicate on request_facts


COMPLIANCE = {
    "manager_discussion_recorded": Compliance(
        "Manager discussion recorded (R2)",
        "repeat requests decided",
        "TRUE",
        "manager_rationale ~ '\\S' AND cardinality(alternatives_considered) > 0",
    ),
    "partners_informed": Compliance(
        "Strategy discussion partners informed (R3)",
        "repeat requests decided",
        "TRUE",
        "partners_informed_on IS NOT NULL AND partners_informed_context ~ '\\S'",
    ),
    "cp_chair_conversation": Compliance(
        "Conversation with the CP chair (R13)",
        "requests that reached screening",
        REACHED_SCREENING,
        "cp_chair_conversation ~ '\\S'",
    ),
    "cp_manager_consultation": Compliance(
        "CP Manager consulted (R14)",
        "requests that reached screening",
        REACHED_SCREENING,
        "cp_manager_consultation ~ '\\S'",
    ),
    "head_of_service_signoff": Compliance(
        "Head of Service agreed the third or later plan (R10)",
        "third or later plans that proceeded",
        f"previous_plans >= 2 AND outcome = '{State.READY_TO_CONVENE}'",
        "cardinality(head_of_service_grounds) > 0 AND head_of_service_rationale ~ '\\S'",
    ),
    "challenge_issued_where_triggers": Compliance(
        "Challenge and resolution issued where triggers existed (R11)",
        "requests that reached screening with a trigger in the previous plans",
        f"{REACHED_SCREENING} AND has_trigger",
        "challenges > 0",
    ),
    "sibling_consideration": Compliance(
        "Siblings considered (R12)",
        "requests that reached screening for a child with siblings",
        f"{REACHED_SCREENING} AND siblings > 0",
        "siblings_decided = siblings",
    ),
}

OUTCOMES = {
    "proceeded": f"outcome = '{State.READY_TO_CONVENE}'",
    **{
        f"alternative_route_{route}": f"outcome = '{State.CLOSED_ALTERNATIVE_ROUTE}' AND alternative_route = '{route}'"
        for route in AlternativeRoute.values
    },
    "declined": f"outcome = '{State.DECLINED}'",
    "withdrawn": f"outcome = '{State.WITHDRAWN}'",
}

REQUEST_MEASURES = {
    "repeat_requests_decided": "TRUE",
    **{f"outcome_{name}": predicate for name, predicate in OUTCOMES.items()},
    **{f"{name}": f"({c.applies}) AND ({c.met})" for name, c in COMPLIANCE.items()},
    **{f"{name}_applies": c.applies for name, c in COMPLIANCE.items()},
    **{f"{name}_not_met": f"({c.applies}) AND NOT ({c.met})" for name, c in COMPLIANCE.items()},
}

# Which set of rows each drill-down key lists.
MEASURE_KIND = {**dict.fromkeys(PLAN_MEASURES, "plan"), **dict.fromkeys(REQUEST_MEASURES, "request")}

SCOPE = """
    (%(service_area)s::text IS NULL OR area.name = %(service_area)s)
    AND (%(team)s::bigint IS NULL OR child.team_id = %(team)s)
"""

# The count of previous plans is cases.selectors' (the record raised to the census's
# NumberOfPreviousCPP), kept per plan by the database (cases.models.KEEP_PLAN_FACTS).
# tests/quality/test_indicators.py checks it against the selector. OFFSET 0: `started` and `ended`
# are worked out once per plan, not inlined into every measure that reads them.
PLAN_FACTS = f"""
plan_facts AS NOT MATERIALIZED (
    SELECT plan.plan_id AS id, plan.child_id, plan.start_date, plan.end_date, plan.team_id, team.service_area_id,
           NOT plan.held_by_other_council AND plan.start_date BETWEEN %(date_from)s AND %(date_to)s AS started,
           NOT plan.held_by_other_council AND plan.end_date BETWEEN %(date_from)s AND %(date_to)s AS ended,
           plan.previous_plans, plan.previous_end, {length_band()} AS length_band
    FROM cases_planfacts plan
    LEFT JOIN cases_team team ON team.id = plan.team_id
    LEFT JOIN cases_servicearea area ON area.id = team.service_area_id
    WHERE (%(service_area)s::text IS NULL OR area.name = %(service_area)s)
      AND (%(team)s::bigint IS NULL OR plan.team_id = %(team)s)
      AND (plan.start_date BETWEEN %(date_from)s AND %(date_to)s OR plan.end_date BETWEEN %(date_from)s AND %(date_to)s)
    OFFSET 0
)
"""

# The requests decided in the period within the scope, and what the measures read of each: the
# median days in stage need only the first part (DECIDED), the counts the whole (REQUEST_FACTS).
# OFFSET 0: each request's facts (its challenges, for one) are worked out once, not once per measure.
DECIDED = f"""
decisions AS (
    SELECT DISTINCT ON (event.request_id)
           event.request_id, event.state_before AS decided_from, event.state_after AS outcome, event.at AS decided_at
    FROM audit_auditevent event
    WHERE event.challenge_id IS NULL
      AND event.state_before IN ({", ".join(f"'{s}'" for s in GATEKEEPING_STAGES)})
      AND event.state_after IN ({", ".join(f"'{s}'" for s in OUTCOME_STATES)})
      AND event.at >= %(period_starts)s AND event.at < %(period_ends)s
    ORDER BY event.request_id, event.at DESC, event.id DESC
),
decided AS (
    SELECT request.id, request.child_id, child.team_id, team.service_area_id, child.family_id, request.submitted_at,
           decisions.decided_from, decisions.outcome, decisions.decided_at,
           request.alternative_route, request.alternatives_considered, request.manager_rationale,
           request.partners_informed_on, request.partners_informed_context, request.cp_chair_conversation,
           request.cp_manager_consultation, request.head_of_service_grounds, request.head_of_service_rationale
    FROM decisions
    JOIN conferences_conferencerequest request ON request.id = decisions.request_id
    JOIN cases_child child ON child.id = request.child_id
    LEFT JOIN cases_team team ON team.id = child.team_id
    LEFT JOIN cases_servicearea area ON area.id = team.service_area_id
    WHERE {SCOPE}
)
"""

REQUEST_FACTS = f"""
{DECIDED},
request_facts AS (
    SELECT decided.*, history.previous_plans, COALESCE(history.has_trigger, FALSE) AS has_trigger,
           (SELECT COUNT(*) FROM conferences_challenge challenge WHERE challenge.request_id = decided.id) AS challenges,
           family.siblings, family.siblings_decided
    FROM decided
    CROSS JOIN LATERAL (
        SELECT COUNT(*) + GREATEST(0, MAX(ended.declared_previous_plans - ended.position)) AS previous_plans,
               BOOL_OR(ended.outstanding_actions_at_closure OR ended.core_group_actions_not_implemented
                       OR ended.end_date <= ended.start_date + interval '3 months') AS has_trigger
        FROM (
            SELECT plan.*, ROW_NUMBER() OVER (ORDER BY plan.start_date) - 1 AS position
            FROM cases_cpplan plan
            WHERE plan.child_id = decided.child_id
              AND plan.end_date <= (COALESCE(decided.submitted_at, decided.decided_at) AT TIME ZONE %(tz)s)::date
        ) ended
    ) history
    CROSS JOIN LATERAL (
        SELECT COUNT(*) AS siblings, COUNT(decision.id) AS siblings_decided
        FROM cases_child sibling
        LEFT JOIN conferences_siblingdecision decision
               ON decision.sibling_id = sibling.id AND decision.request_id = decided.id
        WHERE sibling.family_id = decided.family_id AND sibling.id <> decided.child_id
    ) family
    OFFSET 0
)
"""

# Working days after `entered` up to and including `left`, Monday to Friday less bank holidays.
STAGE_DAYS = f"""
transitions AS (
    SELECT event.request_id, event.state_after AS stage,
           (event.at AT TIME ZONE %(tz)s)::date AS entered,
           (LEAD(event.at) OVER (PARTITION BY event.request_id ORDER BY event.at, event.id) AT TIME ZONE %(tz)s)::date
               AS left_on
    FROM audit_auditevent event
    WHERE event.challenge_id IS NULL AND event.state_before <> '' AND event.state_after <> ''
      AND event.state_before <> event.state_after
      AND event.request_id IN (SELECT id FROM decided)
),
stage_days AS (
    SELECT request_id, stage,
           SUM((SELECT COUNT(*)
                FROM generate_series((entered + 1)::timestamp, left_on::timestamp, interval '1 day') AS day
                WHERE EXTRACT(ISODOW FROM day) < 6 AND day::date <> ALL(%(bank_holidays)s::date[]))) AS days
    FROM transitions
    WHERE left_on IS NOT NULL AND stage IN ({", ".join(f"'{s}'" for s in TIMED_STAGES)})
    GROUP BY request_id, stage
)
"""


def _positional(sql: str, params: dict) -> tuple[str, list]:
    """Named placeholders to positional ones, so the SQL can also be a subquery in a queryset (RawSQL)."""
    values = []

    def replace(match):
        values.append(params[match.group(1)])
        return "%s"

    return re.sub(r"%\((\w+)\)s", replace, sql), values


def _params(date_from: date, date_to: date, service_area=None, team=None) -> dict:
    if date_from > date_to:
        raise ValueError("The start of the period must not be after its end.")
    years = range(date_from.year - 2, date_to.year + 2)
    period_starts, period_ends = day_bounds(date_from, date_to)
    return {
        "date_from": date_from,
        "date_to": date_to,
        "period_starts": period_starts,
        "period_ends": period_ends,
        "service_area": getattr(service_area, "name", service_area) or None,
        "team": getattr(team, "pk", team) or None,
        "tz": settings.TIME_ZONE,
        "bank_holidays": sorted(set().union(*(bank_holidays(year) for year in years))),
    }


def _rows(sql: str, params: dict) -> list[dict]:
    query, values = _positional(sql, params)
    with report_cursor() as cursor:
        cursor.execute(query, values)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def percent(count: int, of: int) -> float | None:
    return round(100 * count / of, 1) if of else None


def _counts(measures: dict) -> str:
    return ",\n".join(f"COUNT(*) FILTER (WHERE {predicate}) AS {name}" for name, predicate in measures.items())


# The ways the rows are grouped: by team (whose sums give each service area and the whole) and by the
# month of the trend (a row outside a month's grouping, a plan that only ended for instance, falls in
# its NULL group, which nothing reads).
PLAN_GROUPINGS = {
    "team": "team_id",
    "started_in": "CASE WHEN started THEN date_trunc('month', start_date::timestamp)::date END",
    "ended_in": "CASE WHEN ended THEN date_trunc('month', end_date::timestamp)::date END",
}
REQUEST_GROUPINGS = {
    "team": "team_id",
    "decided_in": "date_trunc('month', decided_at AT TIME ZONE %(tz)s)::date",
}


def _grouped(facts: str, table: str, measures: dict, groupings: dict, groups: tuple, params) -> dict:
    """One query: the counts over every row ("all") or, for each of `groups`, per value of its key.

    Each row's measures are worked out once (the OFFSET 0 keeps the planner from inlining them
    into every aggregate), then counted per team and per month in one pass (GROUPING SETS).
    Returns {"all": counts} or {group: {value: counts}}.
    """
    keys = ", ".join(f"{groupings[group]} AS {group}" for group in groups)
    flags = ", ".join(f"{predicate} AS {name}" for name, predicate in measures.items())
    measured = f"measured AS (SELECT {keys + ', ' if keys else ''}{flags} FROM {table} OFFSET 0)"
    counts = ", ".join(f"COUNT(*) FILTER (WHERE {name}) AS {name}" for name in measures)
    if not groups:
        return {"all": _rows(f"WITH {facts}, {measured} SELECT {counts} FROM measured", params)[0]}
    which = " ".join(f"WHEN GROUPING({group}) = 0 THEN '{group}'" for group in groups)
    sets = ", ".join(f"({group})" for group in groups)
    found = {group: {} for group in groups}
    sql = (
        f"WITH {facts}, {measured} SELECT CASE {which} END AS grouped_by, {', '.join(groups)}, {counts} "
        f"FROM measured GROUP BY GROUPING SETS ({sets})"
    )
    for row in _rows(sql, params):
        group = row["grouped_by"]
        found[group][row[group]] = {name: row[name] for name in measures}
    return found


def _sum(counts: list[dict], measures: dict) -> dict:
    return {name: sum(row[name] for row in counts) for name in measures}


def _plan_counts(params, groups: tuple = ()) -> dict:
    return _grouped(PLAN_FACTS, "plan_facts", PLAN_MEASURES, PLAN_GROUPINGS, groups, params)


def _request_counts(params, groups: tuple = ()) -> dict:
    return _grouped(REQUEST_FACTS, "request_facts", REQUEST_MEASURES, REQUEST_GROUPINGS, groups, params)


def _median_days(params) -> dict:
    rows = _rows(
        f"""WITH {DECIDED}, {STAGE_DAYS}
        SELECT stage, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days) AS median, COUNT(*) AS requests
        FROM stage_days GROUP BY stage""",
        params,
    )
    found = {row["stage"]: row for row in rows}
    return {
        str(stage): {
            "median": round(found[stage]["median"], 1) if stage in found else None,
            "requests": found[stage]["requests"] if stage in found else 0,
        }
        for stage in TIMED_STAGES
    }


def _plan_indicators(counts: dict) -> dict:
    return {
        "plans_started": counts["plans_started"],
        "repeat_plans_started": counts["repeat_plans_started"],
        "repeat_rate": percent(counts["repeat_plans_started"], counts["plans_started"]),
        "national_repeat_rate_2025": NATIONAL_REPEAT_RATE_2025,
        "repeat_within_12_months": counts["repeat_within_12_months"],
        "repeat_within_2_years": counts["repeat_within_2_years"],
        "third_or_later_plans_started": counts["third_or_later_plans_started"],
        "plans_ended": counts["plans_ended"],
        "plans_ended_by_length": {band: counts[f"plans_ended_{band}"] for band in PLAN_LENGTH_BANDS},
    }


def _request_indicators(counts: dict) -> dict:
    return {
        "repeat_requests_decided": counts["repeat_requests_decided"],
        "compliance": {
            name: {
                "count": counts[name],
                "of": counts[f"{name}_applies"],
                "percent": percent(counts[name], counts[f"{name}_applies"]),
            }
            for name in COMPLIANCE
        },
        "outcomes": {
            "proceeded": counts["outcome_proceeded"],
            "alternative_route": {
                route: counts[f"outcome_alternative_route_{route}"] for route in AlternativeRoute.values
            },
            "declined": counts["outcome_declined"],
            "withdrawn": counts["outcome_withdrawn"],
        },
    }


def _headline(params, plans: dict, requests: dict, median_days: dict) -> dict:
    return {
        "period": {
            "from": params["date_from"].isoformat(),
            "to": params["date_to"].isoformat(),
            "service_area": params["service_area"],
        },
        **_plan_indicators(plans),
        **_request_indicators(requests),
        "median_working_days_in_stage": median_days,
    }


def indicators(date_from: date, date_to: date, service_area=None, team=None) -> dict:
    """Every indicator for the period (both dates included), optionally for one service area (name) or team.

    Three queries whatever the amount of data.
    """
    params = _params(date_from, date_to, service_area, team)
    return _headline(params, _plan_counts(params)["all"], _request_counts(params)["all"], _median_days(params))


def _months(date_from: date, date_to: date) -> list[date]:
    """The first day of each month the period touches."""
    months, month = [], date_from.replace(day=1)
    while month <= date_to:
        months.append(month)
        month = (month + timedelta(days=31)).replace(day=1)
    return months


def _monthly_rows(params, plans: dict, requests: dict) -> list[dict]:
    started_in, ended_in, decided_in = plans["started_in"], plans["ended_in"], requests["decided_in"]
    result = []
    for month in _months(params["date_from"], params["date_to"]):
        started = started_in.get(month, {})
        decided = decided_in.get(month, {})
        result.append(
            {
                "month": month,
                "plans_started": started.get("plans_started", 0),
                "repeat_plans_started": started.get("repeat_plans_started", 0),
                "repeat_rate": percent(started.get("repeat_plans_started", 0), started.get("plans_started", 0)),
                "plans_ended": ended_in.get(month, {}).get("plans_ended", 0),
                "repeat_requests_decided": decided.get("repeat_requests_decided", 0),
                "proceeded": decided.get("outcome_proceeded", 0),
            }
        )
    return result


def monthly(date_from: date, date_to: date, service_area=None, team=None) -> list[dict]:
    """The headline plan and request counts month by month (months clipped to the period), empty months included."""
    params = _params(date_from, date_to, service_area, team)
    plans = _plan_counts(params, ("started_in", "ended_in"))
    return _monthly_rows(params, plans, _request_counts(params, ("decided_in",)))


BREAKDOWNS = ("service_area", "team")
NAMES = """
    SELECT 'service_area' AS kind, id, name, id AS service_area_id FROM cases_servicearea
    UNION ALL
    SELECT 'team', team.id, area.name || ': ' || team.name, team.service_area_id
    FROM cases_team team JOIN cases_servicearea area ON area.id = team.service_area_id
"""


def _names() -> dict:
    """{"service_area": {id: row}, "team": {id: row}}: what each breakdown row is called."""
    found = {by: {} for by in BREAKDOWNS}
    for row in _rows(NAMES, {}):
        found[row["kind"]][row["id"]] = row
    return found


def _by_area(teams: dict, names: dict, measures: dict) -> dict:
    """Each service area's counts: the sums of its teams' (no team: no area)."""
    areas = {}
    for team, counts in teams.items():
        areas.setdefault(names["team"][team]["service_area_id"] if team else None, []).append(counts)
    return {area: _sum(rows, measures) for area, rows in areas.items()}


def _breakdown_rows(by: str, plans: dict, requests: dict, names: dict) -> list[dict]:
    """The rows per team or service area, from the per-team counts."""
    plans, requests = plans["team"], requests["team"]
    if by == "service_area":
        plans, requests = _by_area(plans, names, PLAN_MEASURES), _by_area(requests, names, REQUEST_MEASURES)
    names = names[by]
    result = []
    for key in sorted(set(plans) | set(requests), key=lambda k: (k is None, names[k]["name"] if k else "")):
        plan_counts = plans.get(key) or dict.fromkeys(PLAN_MEASURES, 0)
        request_counts = requests.get(key) or dict.fromkeys(REQUEST_MEASURES, 0)
        result.append(
            {
                "id": key,
                "name": names[key]["name"] if key else "No team allocated",
                "service_area_id": names[key]["service_area_id"] if key else None,
                **_plan_indicators(plan_counts),
                **_request_indicators(request_counts),
            }
        )
    return result


def breakdown(date_from: date, date_to: date, by: str, service_area=None, team=None) -> list[dict]:
    """The headline figures per service area or per team: id, name and service_area_id (None for no team)."""
    if by not in BREAKDOWNS:
        raise KeyError(by)
    params = _params(date_from, date_to, service_area, team)
    return _breakdown_rows(by, _plan_counts(params, ("team",)), _request_counts(params, ("team",)), _names())


def report(date_from: date, date_to: date, service_area=None, team=None) -> dict:
    """Everything the indicators page and its report files show: the headline, the months, the figures
    per service area and per team. Four queries whatever the amount of data: the plans, the requests
    (each counted per team and per month at once), the median days in each stage, the names."""
    params = _params(date_from, date_to, service_area, team)
    plans = _plan_counts(params, ("team", "started_in", "ended_in"))
    requests = _request_counts(params, ("team", "decided_in"))
    names = _names()
    whole_plans = _sum(list(plans["team"].values()), PLAN_MEASURES)
    whole_requests = _sum(list(requests["team"].values()), REQUEST_MEASURES)
    return {
        "headline": _headline(params, whole_plans, whole_requests, _median_days(params)),
        "monthly": _monthly_rows(params, plans, requests),
        "by_service_area": _breakdown_rows("service_area", plans, requests, names),
        "by_team": _breakdown_rows("team", plans, requests, names),
    }


def ids_behind(key: str, date_from: date, date_to: date, service_area=None, team=None) -> RawSQL:
    """The ids of the plans or requests behind one number, as a subquery: `filter(pk__in=ids_behind(...))`."""
    params = _params(date_from, date_to, service_area, team)
    if MEASURE_KIND.get(key) == "plan":
        sql = f"WITH {PLAN_FACTS} SELECT id FROM plan_facts WHERE {PLAN_MEASURES[key]}"
    elif MEASURE_KIND.get(key) == "request":
        sql = f"WITH {REQUEST_FACTS} SELECT id FROM request_facts WHERE {REQUEST_MEASURES[key]}"
    else:
        raise KeyError(key)
    return RawSQL(*_positional(sql, params))
