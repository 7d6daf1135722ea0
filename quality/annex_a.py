"""Ofsted Annex A, list 7 (child protection): the list an inspection asks for on its first day.

Every CP plan this council held at any time in the six months before the given date: from
`date − 6 calendar months` to `date`, both days counted, so a plan that ended on the first day of
the window, or started on the date itself, is on the list. One row per plan (a child with two
plans in the window has two rows), in the template's exact column names and value formats.

Choices the template leaves to the council:
- Number of Previous Child Protection Plans: the larger of the plans on record that ended on or
  before this plan started (plans held by other councils count) and the number the census
  declared for this plan (NumberOfPreviousCPP), because an imported history may be incomplete.
- Plans held by other councils are counted as previous plans but are not rows: the list is of
  this council's plans.
- Dates are DD/MM/YYYY (text in the CSV, dates so formatted in the XLSX); Age is whole years at
  the given date, blank for an unborn child.
- Columns the app does not hold (`NOT_HELD`) are left blank.
"""

import io
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from cases.codes import ANNEX_A_CATEGORY
from cases.models import Child, CPPlan
from cases.selectors import previous_plans_before_each
from limits.spreadsheets import append_safe, csv_writer
from people.roles import Role, role_of

WINDOW_MONTHS = 6

COLUMNS = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age",
    "Does the Child have a Disability",
    "Child Protection Plan Start Date",
    "Initial Category of Abuse",
    "Latest Category of Abuse",
    "Date of the Last Statutory Visit",
    "Was the Child Seen Alone?",
    "Date of latest review conference",
    "Child Protection Plan End Date",
    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
    "Number of Previous Child Protection Plans",
    "Allocated Team",
    "Allocated Worker",
)

# The app records no statutory visits, review conferences or emergency protection.
NOT_HELD = (
    "Date of the Last Statutory Visit",
    "Was the Child Seen Alone?",
    "Date of latest review conference",
    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
)

DATE_COLUMNS = (
    "Date of Birth",
    "Child Protection Plan Start Date",
    "Child Protection Plan End Date",
)

# The Annex A template's drop-down values, keyed by the census codes the app stores.
# The census's numbered codes and, from 2024-25, its lettered ones (cases/codes.py).
ANNEX_A_GENDER = {
    "1": "a) Male",
    "2": "b) Female",
    "0": "c) Not stated/recorded",
    "9": "d) Neither",
    "M": "a) Male",
    "F": "b) Female",
    "U": "c) Not stated/recorded",
}
ANNEX_A_ETHNICITY = {
    code: f"{letter}) {code}"
    for letter, code in zip(
        "abcdefghijklmnopqrst",
        ("WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE OOTH REFU NOBT").split(),
        strict=True,
    )
}
ANNEX_A_YES_NO = {True: "a) Yes", False: "b) No"}

EXPORT_ROLES = {Role.AUDITOR, Role.CP_CHAIR, Role.CP_MANAGER, Role.HEAD_OF_SERVICE}


def may_export(user) -> bool:
    """Auditors and the council-wide CP roles prepare the list for inspectors; administrators may."""
    return user.is_authenticated and (user.is_superuser or role_of(user) in EXPORT_ROLES)


def window_start(on_date: date) -> date:
    return on_date - relativedelta(months=WINDOW_MONTHS)


def age_on(birth: date | None, on_date: date) -> int | None:
    """Whole years; someone born on 29 February is a year older on 1 March in other years."""
    if birth is None or birth > on_date:
        return None
    return on_date.year - birth.year - ((on_date.month, on_date.day) < (birth.month, birth.day))


def plans_in_window(on_date: date, children=None):
    """This council's plans running at any time from six months before `on_date` to `on_date`."""
    children = Child.objects.all() if children is None else children
    return (
        CPPlan.objects.filter(child__in=children, held_by_other_council=False, start_date__lte=on_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=window_start(on_date)))
        .select_related("child__team", "child__allocated_worker")
        .order_by("child__local_child_id", "start_date")
    )


def _previous_counts(plans) -> dict[int, int]:
    """For each plan, the child's previous plans before it, as cases.selectors counts them (the
    record raised to the census's NumberOfPreviousCPP): one query for every child in the list."""
    by_child = defaultdict(list)
    for plan in CPPlan.objects.filter(child__in={plan.child_id for plan in plans}).only(
        "child_id", "start_date", "end_date", "declared_previous_plans"
    ):
        by_child[plan.child_id].append(plan)
    counts = {}
    for child_plans in by_child.values():
        counts.update(previous_plans_before_each(child_plans))
    return counts


def _worker_name(user) -> str:
    return "" if user is None else (user.get_full_name() or user.get_username())


def rows(on_date: date, children=None) -> Iterator[dict]:
    """The list's rows as {column: value}, values as Python objects (dates, ints, text, None)."""
    plans = list(plans_in_window(on_date, children))
    previous = _previous_counts(plans)
    for plan in plans:
        child = plan.child
        yield {
            "Child Unique ID": child.local_child_id,
            "Gender": ANNEX_A_GENDER.get(child.sex, ""),
            "Ethnicity": ANNEX_A_ETHNICITY.get(child.ethnicity, child.ethnicity),
            "Date of Birth": child.date_of_birth,
            "Age": age_on(child.date_of_birth, on_date),
            "Does the Child have a Disability": ANNEX_A_YES_NO.get(child.has_disability, ""),
            "Child Protection Plan Start Date": plan.start_date,
            "Initial Category of Abuse": ANNEX_A_CATEGORY.get(plan.initial_category, ""),
            "Latest Category of Abuse": ANNEX_A_CATEGORY.get(plan.latest_category, ""),
            "Child Protection Plan End Date": plan.end_date,
            "Number of Previous Child Protection Plans": previous[plan.pk],
            "Allocated Team": child.team.name if child.team_id else "",
            "Allocated Worker": _worker_name(child.allocated_worker),
            **dict.fromkeys(NOT_HELD),
        }


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def as_csv(on_date: date, children=None) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows names with accents correctly."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(COLUMNS)
    for row in rows(on_date, children):
        writer.writerow([_text(row[column]) for column in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(on_date: date, children=None) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("List 7")
    append_safe(sheet, COLUMNS)
    for row in rows(on_date, children):
        cells = []
        for column in COLUMNS:
            cell = WriteOnlyCell(sheet, value=row[column])
            if column in DATE_COLUMNS:
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        append_safe(sheet, cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


FORMATS = {
    "csv": (as_csv, "text/csv; charset=utf-8"),
    "xlsx": (as_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def file_name(on_date: date, fmt: str) -> str:
    return f"annex-a-list-7-{on_date.isoformat()}.{fmt}"
