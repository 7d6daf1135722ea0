"""Measuring the census import beside a plain parse-and-insert of the same rows (issue 12).

`manage.py benchmark` (operations) calls these; `manage.py import_benchmark` runs them alone.

- `generate_census_file(path, children, seed)` writes a return in the DfE schema's shape: about a
  quarter of the children have a second plan in the year, plans carried over from earlier years,
  Section 47 enquiries, assessments, reviews, CIN plans that end as the CP plan starts, and one
  child in two hundred whose plan ends before it starts (rule 8925), so rejections are measured too.
- `plain_insert_baseline(path)` is the floor the import is compared with: the same parser, then
  executemany of the same child and plan rows into scratch copies of the tables (no rules, no
  comparison, no triggers), rolled back.
- `import_benchmark(...)` runs the real command in a subprocess, so that each run's peak memory
  (VmHWM) is its own: a first import, a second import of the unchanged file, and the first
  import at other sizes to show memory stays flat.

Each run uses children IDs of its own (`prefix`), because plans are never deleted: a first import
is always of children the database has not seen.
"""

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import connection, transaction

from cases.census import read_children
from cases.codes import ASSESSMENT_FACTORS, CATEGORIES_OF_ABUSE
from cases.models import Child, CPPlan, PlanSource

REFERENCE_DATE = date(2025, 3, 31)
YEAR_START = date(2024, 4, 1)
ETHNICITIES = ("WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "ASIA", "BAFR", "OOTH", "NOBT")
CATEGORIES = tuple(CATEGORIES_OF_ABUSE)
# "No factors identified" (21) stands alone in a real return, so the generated ones never mix it in.
FACTORS = tuple(code for code in ASSESSMENT_FACTORS if code != "21")


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _episode(
    rng: random.Random, start: date, end: date | None, previous: int, broken: bool, after: date = date.min
) -> str:
    """One <CINdetails> holding one CP plan, referred after `after`, consistent with every census
    rule unless `broken`."""
    referral = max(start - timedelta(days=rng.randint(15, 60)), after + timedelta(days=1))
    parts = [
        f"<CINreferralDate>{referral}</CINreferralDate>",
        f"<ReferralSource>{rng.choice('12345678')}</ReferralSource>",
        f"<PrimaryNeedCode>N{rng.randint(1, 8)}</PrimaryNeedCode>",
    ]
    with_section47 = rng.random() < 0.7
    if not with_section47:
        parts.append(f"<DateOfInitialCPC>{start}</DateOfInitialCPC>")
    parts.append("<ReferralNFA>false</ReferralNFA>")
    if rng.random() < 0.2:
        cin_start = referral + timedelta(days=3)
        parts.append(
            f"<CINPlanDates><CINPlanStartDate>{cin_start}</CINPlanStartDate>"
            f"<CINPlanEndDate>{start}</CINPlanEndDate></CINPlanDates>"
        )
    factors = "".join(f"<AssessmentFactors>{f}</AssessmentFactors>" for f in rng.sample(FACTORS, rng.randint(1, 4)))
    parts.append(
        f"<Assessments><AssessmentActualStartDate>{referral}</AssessmentActualStartDate>"
        f"<AssessmentAuthorisationDate>{referral + timedelta(days=10)}</AssessmentAuthorisationDate>"
        f"<FactorsIdentifiedAtAssessment>{factors}</FactorsIdentifiedAtAssessment></Assessments>"
    )
    if with_section47:
        parts.append(
            f"<Section47><S47ActualStartDate>{referral + timedelta(days=2)}</S47ActualStartDate>"
            f"<DateOfInitialCPC>{start}</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>"
        )
    category = rng.choice(CATEGORIES)
    latest = category if rng.random() < 0.8 else rng.choice(CATEGORIES)
    plan = [f"<CPPstartDate>{start}</CPPstartDate>"]
    if broken:
        plan.append(f"<CPPendDate>{start - timedelta(days=10)}</CPPendDate>")
    elif end is not None:
        plan.append(f"<CPPendDate>{end}</CPPendDate>")
    plan += [
        f"<InitialCategoryOfAbuse>{category}</InitialCategoryOfAbuse>",
        f"<LatestCategoryOfAbuse>{latest}</LatestCategoryOfAbuse>",
        f"<NumberOfPreviousCPP>{previous}</NumberOfPreviousCPP>",
    ]
    last_review = min(end or REFERENCE_DATE, REFERENCE_DATE)
    reviews = [start + timedelta(days=d) for d in (90, 270, 450) if start + timedelta(days=d) < last_review]
    if reviews:
        plan.append("<Reviews>" + "".join(f"<CPPreviewDate>{r}</CPPreviewDate>" for r in reviews) + "</Reviews>")
    parts.append("<ChildProtectionPlans>" + "".join(plan) + "</ChildProtectionPlans>")
    return "<CINdetails>" + "".join(parts) + "</CINdetails>"


def _child(rng: random.Random, child_id: str) -> str:
    born = _day(rng, date(2008, 4, 1), date(2024, 1, 1))
    previous = rng.choices((0, 1, 2, 3), weights=(75, 17, 6, 2))[0]
    broken = rng.random() < 0.005
    carried_over = rng.random() < 0.4
    first_start = (
        _day(rng, max(born, date(2022, 6, 1)), YEAR_START - timedelta(days=1))
        if carried_over
        else _day(rng, max(born, YEAR_START), REFERENCE_DATE - timedelta(days=120))
    )
    episodes = []
    if rng.random() < 0.25:
        # Two plans in the year: the first ended, the second started at least a month later.
        first_end = _day(rng, max(first_start, YEAR_START) + timedelta(days=20), REFERENCE_DATE - timedelta(days=80))
        second_start = _day(rng, first_end + timedelta(days=30), REFERENCE_DATE - timedelta(days=40))
        second_end = _day(rng, second_start + timedelta(days=20), REFERENCE_DATE) if rng.random() < 0.3 else None
        episodes.append(_episode(rng, first_start, first_end, previous, broken))
        episodes.append(_episode(rng, second_start, second_end, previous + 1, False, after=first_end))
    else:
        end = None
        if rng.random() < 0.55:
            end = _day(rng, max(first_start + timedelta(days=20), YEAR_START), REFERENCE_DATE)
        episodes.append(_episode(rng, first_start, end, previous, broken))
    disability = "NONE" if rng.random() < 0.9 else rng.choice(("AUT", "LD", "HEAR", "BEH"))
    return (
        f"<Child><ChildIdentifiers><LAchildID>{child_id}</LAchildID>"
        f"<PersonBirthDate>{born}</PersonBirthDate><GenderCurrent>{rng.choice('12')}</GenderCurrent>"
        "</ChildIdentifiers><ChildCharacteristics>"
        f"<Ethnicity>{rng.choice(ETHNICITIES)}</Ethnicity>"
        f"<Disabilities><Disability>{disability}</Disability></Disabilities></ChildCharacteristics>\n"
        + "\n".join(episodes)
        + "\n</Child>\n"
    )


def generate_census_file(path: str | Path, children: int, seed: int = 1, prefix: str = "BEN") -> Path:
    """Write a 2024-25 census return of `children` children to `path`, one child at a time."""
    rng = random.Random(seed)
    path = Path(path)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<Message><Header><CollectionDetails>'
            f"<Collection>CIN</Collection><Year>{REFERENCE_DATE.year}</Year>"
            f"<ReferenceDate>{REFERENCE_DATE}</ReferenceDate></CollectionDetails>"
            "<Source><SourceLevel>L</SourceLevel><LEA>801</LEA><SoftwareCode>Benchmark</SoftwareCode>"
            "<Release>1</Release><SerialNo>1</SerialNo>"
            f"<DateTime>{REFERENCE_DATE}T09:00:00</DateTime></Source></Header><Children>\n"
        )
        for number in range(children):
            out.write(_child(rng, f"{prefix}{number:07d}"))
        out.write("</Children></Message>\n")
    return path


def plain_insert_baseline(path: str | Path, batch_size: int = 1000) -> float:
    """Seconds to parse the return and executemany its child and plan rows (no rules, no
    comparison, no triggers, no check constraints) into scratch copies of the two tables with their
    indexes, in one rolled-back transaction."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (Child, CPPlan):
            cursor.execute(
                f"CREATE TEMPORARY TABLE baseline_{model._meta.model_name} "
                f"(LIKE {model._meta.db_table} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES) ON COMMIT DROP"
            )
        child_sql, child_row = _insert(Child)
        plan_sql, plan_row = _insert(CPPlan)
        batch = []

        def flush():
            cursor.executemany(child_sql, [child_row(_child_values(child)) for child in batch])
            ids = [child.local_child_id for child in batch]
            cursor.execute("SELECT local_child_id, id FROM baseline_child WHERE local_child_id = ANY(%s)", [ids])
            pks = dict(cursor.fetchall())
            rows = [plan_row(_plan_values(pks[c.local_child_id], c, plan)) for c in batch for plan in c.plans]
            cursor.executemany(plan_sql, rows)
            batch.clear()

        for child in read_children(str(path)):
            if child.local_child_id and child.date_of_birth and all(p.start_date for p in child.plans):
                batch.append(child)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
        transaction.set_rollback(True)
    return time.perf_counter() - started


def _insert(model):
    """The INSERT of one row into the model's scratch table, and a function making that row from
    values by field name (each field's default for the rest)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(f.column for f in fields)
    sql = f"INSERT INTO baseline_{model._meta.model_name} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    return sql, lambda values: [values.get(f.attname, defaults[f.attname]) for f in fields]


def _child_values(child) -> dict:
    declared = [p.declared_previous_plans for p in child.plans if p.declared_previous_plans is not None]
    return {
        "local_child_id": child.local_child_id,
        "date_of_birth": child.date_of_birth,
        "expected_date_of_birth": child.expected_date_of_birth,
        "sex": child.sex,
        "ethnicity": child.ethnicity,
        "has_disability": child.has_disability,
        "declared_previous_plans": max(declared) if declared else None,
    }


def _plan_values(child_pk: int, child, plan) -> dict:
    return {
        "child_id": child_pk,
        "start_date": plan.start_date,
        "end_date": plan.end_date,
        "initial_category": plan.initial_category,
        "latest_category": plan.latest_category,
        "assessment_factors": sorted(set(plan.assessment_factors)),
        "declared_previous_plans": plan.declared_previous_plans,
        "source": PlanSource.CENSUS,
        "source_date": child.reference_date,
    }


def database_url() -> str:
    """The URL of the database Django is connected to, for a subprocess to use the same one."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    socket = (db.get("OPTIONS") or {}).get("host")  # the embedded server's socket folder
    query = f"?{urlencode({'host': socket})}" if socket and not host else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'])}{query}"


_TIMED_IMPORT = """
import json, sys, time
import django
django.setup()
from django.conf import settings
# As a council runs it: DEBUG's log of every statement would grow with the file and cost time.
settings.DEBUG = False
from cases.history_import import import_census
started = time.perf_counter()
summary = import_census(sys.argv[1])
seconds = time.perf_counter() - started
# VmHWM, not ru_maxrss: that keeps the high-water mark of the process that started this one.
with open("/proc/self/status", encoding="ascii") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, **summary.counts()}))
"""


def run_import(path: str | Path, project: str | Path | None = None, database: str | None = None) -> dict:
    """Import `path` (cases.history_import.import_census) in a fresh process: its seconds, the
    process's peak memory (VmHWM, Django included) and the summary's counts. `project` is
    the checkout to run (this one by default), to set another version's import beside this one, and
    `database` its database's URL (by default the one Django is connected to)."""
    env = {**os.environ, "DATABASE_URL": database or database_url()}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [sys.executable, "-c", _TIMED_IMPORT, str(path)],
            cwd=project or settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=err,
        )
        process.wait()
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"the timed import failed ({process.returncode}): {err.read().decode()[-2000:]}")
        result = json.loads(out.read().decode().strip().splitlines()[-1])
    return result


def import_benchmark(
    folder: str | Path, children: int = 20_000, memory_sizes: tuple[int, ...] = (5_000, 20_000, 40_000), seed: int = 1
) -> dict:
    """The census import beside its floor, in one run, on the database Django is connected to.

    Returns children per second of a first import, the seconds of a second import of the same
    file, the plain parse-and-insert of the same rows and the ratios, and the peak memory of a
    first import at each of `memory_sizes`.
    """
    folder = Path(folder)
    run = f"B{int(time.time()) % 100000:05d}"
    path = generate_census_file(folder / f"census-{children}.xml", children, seed, prefix=f"{run}N")
    plans = sum(len(child.plans) for child in read_children(str(path)))
    baseline = plain_insert_baseline(path)
    first = run_import(path)
    second = run_import(path)
    memory = {}
    for size in memory_sizes:
        if size == children:
            memory[size] = first["peak_mb"]
            continue
        sized = generate_census_file(folder / f"census-{size}.xml", size, seed, prefix=f"{run}M{size}-")
        memory[size] = run_import(sized)["peak_mb"]
        sized.unlink()
    path.unlink()
    return {
        "children": children,
        "plans": plans,
        "first_import_seconds": round(first["seconds"], 2),
        "children_per_second": round(children / first["seconds"]),
        "second_import_seconds": round(second["seconds"], 2),
        "plain_insert_seconds": round(baseline, 2),
        "ratio_to_plain_insert": round(first["seconds"] / baseline, 2),
        "second_import_speedup": round(first["seconds"] / second["seconds"], 2),
        "peak_memory_mb": {size: round(mb, 1) for size, mb in memory.items()},
        "first_import_counts": {k: v for k, v in first.items() if k not in ("seconds", "peak_mb")},
    }
