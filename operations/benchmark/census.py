"""A census return of any size for the import benchmark, and the plain insert it is measured beside.

`write_return` writes children in the DfE CIN census's own layout (the shape cases/census.py reads
and tests/cases/census_xml.py writes): identifiers, characteristics, one <CINdetails> episode per
CP plan with its referral, assessment factors, initial conference and reviews, and
NumberOfPreviousCPP. As in a real return, every plan ended within the census year or is still
open; a quarter of the children have a second plan later in the year.

`python -m operations.benchmark.census import|plain FILE` loads FILE in a process of its own, so
that its peak memory is its own, and prints the time, the counts and the peak memory as JSON:
`import` through the product's census import, twice (the second time nothing is new); `plain`
with the same parser and one `executemany` per table into plain tables of the same rows.
"""

import datetime
import json
import random
import resource
import sys
import time
from pathlib import Path

CATEGORIES = ["NEG", "NEG", "NEG", "EMO", "EMO", "PHY", "SAB", "MUL"]
FACTORS = ["1B", "2B", "3B", "3C", "4B", "16A", "17A", "5B", "10A", "11A"]
REFERENCE_DATE = datetime.date(2026, 3, 31)
YEAR_START = datetime.date(2025, 4, 1)


def _plan_xml(start, end, category, previous, reviews):
    parts = [f"<CPPstartDate>{start}</CPPstartDate>"]
    if end:
        parts.append(f"<CPPendDate>{end}</CPPendDate>")
    parts += [
        f"<InitialCategoryOfAbuse>{category}</InitialCategoryOfAbuse>",
        f"<LatestCategoryOfAbuse>{category}</LatestCategoryOfAbuse>",
        f"<NumberOfPreviousCPP>{previous}</NumberOfPreviousCPP>",
    ]
    if reviews:
        parts.append("<Reviews>" + "".join(f"<CPPreviewDate>{r}</CPPreviewDate>" for r in reviews) + "</Reviews>")
    return "<ChildProtectionPlans>" + "".join(parts) + "</ChildProtectionPlans>"


def _episode(rng, start, end, previous):
    referral = start - datetime.timedelta(days=rng.randint(20, 60))
    factors = "".join(f"<AssessmentFactors>{f}</AssessmentFactors>" for f in sorted(set(rng.sample(FACTORS, 2))))
    reviews = [start + datetime.timedelta(days=90 * n) for n in range(1, 4)]
    reviews = [r for r in reviews if (end is None or r < end) and r <= REFERENCE_DATE]
    return (
        f"<CINdetails><CINreferralDate>{referral}</CINreferralDate><ReferralSource>6</ReferralSource>"
        f"<PrimaryNeedCode>N1</PrimaryNeedCode>"
        f"<Assessments><AssessmentActualStartDate>{referral + datetime.timedelta(days=2)}</AssessmentActualStartDate>"
        f"<FactorsIdentifiedAtAssessment>{factors}</FactorsIdentifiedAtAssessment></Assessments>"
        f"<DateOfInitialCPC>{start}</DateOfInitialCPC><ReferralNFA>false</ReferralNFA>"
        + _plan_xml(start, end, rng.choice(CATEGORIES), previous, reviews)
        + "</CINdetails>"
    )


def write_return(path: Path, children: int, seed: int = 2026) -> int:
    """Write a census return of `children` children to `path`; returns the number of CP plans in it."""
    rng = random.Random(seed)
    plans = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<Message><Header><CollectionDetails>'
            f"<Collection>CIN</Collection><Year>{REFERENCE_DATE.year}</Year>"
            f"<ReferenceDate>{REFERENCE_DATE}</ReferenceDate></CollectionDetails>"
            "<Source><SourceLevel>L</SourceLevel><LEA>801</LEA></Source></Header><Children>\n"
        )
        for number in range(1, children + 1):
            # A return holds the plans open at some point in the census year: ended within it or still open.
            length = datetime.timedelta(days=rng.choice([70, 120, 200, 270, 330, 420, 560]))
            if rng.random() < 0.45:
                start, end = REFERENCE_DATE - datetime.timedelta(days=rng.randint(30, 700)), None
            else:
                end = YEAR_START + datetime.timedelta(days=rng.randint(0, 330))
                start = end - length
            history = [(start, end)]
            # A quarter of the children came back onto a plan later in the same year.
            if end is not None and rng.random() < 0.25:
                again = end + datetime.timedelta(days=rng.randint(14, 120))
                if again < REFERENCE_DATE:
                    later_end = again + length
                    history.append((again, later_end if later_end <= REFERENCE_DATE else None))
            earlier = rng.choice([0, 0, 0, 0, 1, 1, 2])
            episodes = [_episode(rng, s, e, earlier + index) for index, (s, e) in enumerate(history)]
            plans += len(episodes)
            birth = start - datetime.timedelta(days=rng.randint(200, 15 * 365))
            out.write(
                f"<Child><ChildIdentifiers><LAchildID>BENCHIMPORT{number:06d}</LAchildID>"
                f"<PersonBirthDate>{birth}</PersonBirthDate><GenderCurrent>{rng.choice('12')}</GenderCurrent>"
                "</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
                + "".join(episodes)
                + "</Child>\n"
            )
        out.write("</Children></Message>\n")
    return plans


PLAIN_TABLES = """
DROP TABLE IF EXISTS benchmark_plain_plan, benchmark_plain_child;
CREATE TABLE benchmark_plain_child (
    id bigint PRIMARY KEY, local_child_id varchar(36) UNIQUE NOT NULL, date_of_birth date, sex varchar(1),
    ethnicity varchar(4)
);
CREATE TABLE benchmark_plain_plan (
    child_id bigint NOT NULL REFERENCES benchmark_plain_child (id), start_date date NOT NULL, end_date date,
    initial_category varchar(3), latest_category varchar(3), declared_previous_plans smallint,
    assessment_factors varchar(3)[]
);
"""
BATCH = 1000


def _plain_insert(path: str) -> dict:
    """The same rows with nothing but the parser and executemany, in batches committed like the import's."""
    from django.db import connection, transaction

    from cases.census import read_children

    with connection.cursor() as cursor:
        cursor.execute(PLAIN_TABLES)
    children = plans = 0
    batch_children, batch_plans = [], []

    def flush():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO benchmark_plain_child (id, local_child_id, date_of_birth, sex, ethnicity) "
                "VALUES (%s, %s, %s, %s, %s)",
                batch_children,
            )
            cursor.executemany(
                "INSERT INTO benchmark_plain_plan (child_id, start_date, end_date, initial_category, "
                "latest_category, declared_previous_plans, assessment_factors) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                batch_plans,
            )
        batch_children.clear()
        batch_plans.clear()

    for child in read_children(path):
        children += 1
        batch_children.append((children, child.local_child_id, child.date_of_birth, child.sex, child.ethnicity))
        for plan in child.plans:
            plans += 1
            batch_plans.append(
                (
                    children,
                    plan.start_date,
                    plan.end_date,
                    plan.initial_category,
                    plan.latest_category,
                    plan.declared_previous_plans,
                    list(plan.assessment_factors),
                )
            )
        if len(batch_children) >= BATCH:
            flush()
    flush()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE benchmark_plain_plan, benchmark_plain_child")
    return {"children": children, "plans": plans}


def _import(path: str) -> dict:
    from cases.history_import import import_census

    summary = import_census(path)
    return {"children": summary.children_read, **summary.counts(), "rejected": summary.children_rejected}


def _measured(load, path: str) -> dict:
    started = time.perf_counter()
    counts = load(path)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 3), "peak_memory_mb": round(_peak_kb() / 1024, 1), **counts}


def _peak_kb() -> int:
    """This process's peak resident memory. Not getrusage's ru_maxrss, which keeps the high-water
    mark of the process that started this one (it survives exec); VmHWM starts afresh with it."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(argv: list[str]) -> int:
    import django

    django.setup()
    how, path = argv[1], argv[2]
    if how == "import":
        # The file twice: the second time nothing in it is new.
        result = {"first": _measured(_import, path), "second": _measured(_import, path)}
    else:
        result = _measured(_plain_insert, path)
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
