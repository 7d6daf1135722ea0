"""Importing CP plan history from DfE Children in Need census returns.

Why it works the way it does:
- Each child goes in whole or not at all: a child whose records break a census rule
  (cases/census_rules.py, the one place for them) is rejected with the rule number, and every
  other child still goes in. A child's plans in the file and those already held must together
  satisfy the rules, so an import cannot create an overlap the database would refuse.
- A council's return holds tens of thousands of children, so they are read, checked and written
  a batch at a time: one query for what is held of the batch's children, then a few statements
  for all that changed (new rows copied in, changed rows updated), whatever the batch's size.
  Should the database refuse a batch anyway, it is written again child by child, each in a
  savepoint, so that only the child at fault is rejected.
- Importing the same return twice changes nothing: every value is compared before saving, so
  unchanged rows are not written and pghistory records no event for them.
- A return is mostly the children of the last one, unchanged, so an unchanged child is not even
  read: the import keeps a digest of each child's <Child> element as it imported it, with the
  return's reference date and this code's version (ImportedChild), and a child whose element
  has that digest is counted unchanged without being read, checked or compared. The digest stands
  for the child's record and plans as the import left them: whatever else writes them (a
  correction, a conference's plan, the admin) drops it in the database (cases.models), so the
  next import reads the child again, and so does any change to the import's code or rules.
- A plan open across 31 March appears in two years' returns, open in the first and ended in the
  second: it is the same plan (same child, same start date), updated with its end. A return that
  still shows open a plan already recorded as ended is older than what is held, and leaves that
  plan as it is.
- The census has no names and no teams: new children come in with blank names (Child.full_name
  falls back to the ID) and unallocated (team None), which cases.permissions shows to the
  council-wide roles only. The import never changes a child's names, team, worker or family.
- Values the return leaves out (no Disabilities module, no assessment factors) leave what is
  held; values it gives replace it.
"""

import hashlib
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pghistory
from django.db import DatabaseError, connection, transaction

from cases import census, census_rules, codes, models
from cases.census import CensusChild, CensusPlan, ChildElement, check_census_file, child_elements, read_elements
from cases.census_rules import SCHEMA, RuleViolation
from cases.models import Child, CPPlan, PlanSource
from cases.permissions import may_keep_plan_history
from cases.signals import children_saved_in_bulk, plan_histories_changed

BATCH_SIZE = 2000


def _code_version() -> bytes:
    """What decides an import's outcome besides the return and the database: the reading, the
    rules, the codes, the models and this import. Any change to them makes every child be read
    again, rather than trusting a digest taken under other rules."""
    digest = hashlib.sha256()
    for module in (census, census_rules, codes, models, sys.modules[__name__]):
        digest.update(Path(module.__file__).read_bytes())
    return digest.digest()


CODE_VERSION = _code_version()


def element_digest(element: ChildElement) -> bytes:
    """The digest of a child's element as this code imports it from this return."""
    digest = hashlib.sha256(CODE_VERSION)
    digest.update(f"{element.reference_date}|{element.namespaces}|".encode())
    digest.update(element.text.encode())
    return digest.digest()


def may_import_history(user) -> bool:
    """The data manager loads census returns (it rewrites plan history); administrators may too.

    Auditors read only: an import is a change to the record they audit.
    """
    return user.is_authenticated and (user.is_superuser or may_keep_plan_history(user))


@dataclass(frozen=True)
class Rejection:
    """A child left out of the import, with every rule its records break."""

    child_id: str
    violations: tuple[RuleViolation, ...]

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v.rule for v in self.violations))

    def as_dict(self) -> dict:
        return {
            "child_id": self.child_id,
            "problems": [{"rule": v.rule, "message": v.message} for v in self.violations],
        }


@dataclass
class ImportSummary:
    children_read: int = 0
    children_created: int = 0
    children_updated: int = 0
    children_unchanged: int = 0
    children_rejected: int = 0
    plans_created: int = 0
    plans_updated: int = 0
    plans_unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    COUNTS = (
        "children_read",
        "children_created",
        "children_updated",
        "children_unchanged",
        "children_rejected",
        "plans_created",
        "plans_updated",
        "plans_unchanged",
    )

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.COUNTS}

    def add(self, other: "ImportSummary") -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rejections += other.rejections

    def lines(self) -> list[str]:
        """The summary as a person reads it, for the command line and the audit trail."""
        return [
            f"Children: {self.children_created} created, {self.children_updated} updated, "
            f"{self.children_unchanged} unchanged, {self.children_rejected} rejected",
            f"CP plans: {self.plans_created} created, {self.plans_updated} updated, {self.plans_unchanged} unchanged",
        ]


REPORT_HEADER = ["Child ID", "Rule", "Problem"]


def report_rows(rejections: Iterable[dict]) -> Iterator[list[str]]:
    """Rows of the rejection report (one per rule broken), from `Rejection.as_dict` records."""
    for rejection in rejections:
        for problem in rejection["problems"]:
            yield [rejection["child_id"], problem["rule"], problem["message"]]


def violations_of(census_child: CensusChild, held: Iterable[CPPlan]) -> list[RuleViolation]:
    """Every census rule the child's records break, counting the plans already held for them."""
    found = []
    if census_child.date_of_birth is None and census_child.expected_date_of_birth is None:
        found.append(RuleViolation(SCHEMA, "the child has neither PersonBirthDate nor ExpectedPersonBirthDate"))
    if len(census_child.local_child_id) > Child._meta.get_field("local_child_id").max_length:
        found.append(RuleViolation(SCHEMA, "LAchildID is longer than 36 characters"))
    if len(census_child.ethnicity) > Child._meta.get_field("ethnicity").max_length:
        found.append(RuleViolation(SCHEMA, f"Ethnicity {census_child.ethnicity!r} is not a census code"))
    plans = [plan for plan in census_child.plans if plan.start_date is not None]
    in_file = {plan.start_date for plan in plans}
    history = [(plan.start_date, _end_after_merge(plan, held)) for plan in plans]
    history += [(plan.start_date, plan.end_date) for plan in held if plan.start_date not in in_file]
    return found + census_rules.child_violations(census_child, history)


def _end_after_merge(plan: CensusPlan, held: Iterable[CPPlan]) -> object:
    for existing in held:
        if existing.start_date == plan.start_date and _is_older_return(plan, existing):
            return existing.end_date
    return plan.end_date


def _is_older_return(plan: CensusPlan, existing: CPPlan) -> bool:
    """The return shows open a plan already recorded as ended: it predates what is held."""
    return plan.end_date is None and existing.end_date is not None


def _changes(instance, wanted: dict) -> dict:
    return {name: value for name, value in wanted.items() if getattr(instance, name) != value}


def _plan_values(plan: CensusPlan, existing: CPPlan | None, reference_date) -> dict:
    values = {
        "end_date": plan.end_date,
        "initial_category": plan.initial_category,
        "latest_category": plan.latest_category,
        "declared_previous_plans": plan.declared_previous_plans,
    }
    # The child's page says which return a plan is known from ("open at the census of 31 March"); a
    # plan that came from a conference or the data manager keeps saying so.
    if existing is None or existing.source == PlanSource.CENSUS:
        values["source"] = PlanSource.CENSUS
        held_from = existing.source_date if existing is not None else None
        if reference_date is not None and (held_from is None or reference_date >= held_from):
            values["source_date"] = reference_date
    factors = set(plan.assessment_factors)
    if existing is None or (factors and factors != set(existing.assessment_factors)):
        values["assessment_factors"] = sorted(factors)
    return values


def _child_values(census_child: CensusChild, plans_by_start: dict) -> dict:
    values = {"sex": census_child.sex}
    for name in ("date_of_birth", "expected_date_of_birth", "has_disability"):
        if getattr(census_child, name) is not None:
            values[name] = getattr(census_child, name)
    if census_child.ethnicity:
        values["ethnicity"] = census_child.ethnicity
    declared = [(start, number) for start, number in plans_by_start.items() if number is not None]
    if declared:
        # The latest plan's declared count is the child's: it counts every plan before it.
        values["declared_previous_plans"] = max(declared)[1]
    return values


@dataclass
class _ChildWrite:
    """What importing one child writes: only what differs from what is held."""

    local_child_id: str
    child: Child | None  # the child held, if any
    new_child: dict | None  # the values of a child not held before
    child_fields: list[str]  # the held child's fields that change
    new_plans: list[dict]
    changed_plans: list[tuple[CPPlan, tuple[str, ...]]]
    outcome: ImportSummary
    history_change: str  # what changed in the child's plans, in words ("" when none did)
    digest: bytes  # of the child's element, kept once written (ImportedChild)
    plans: int  # in the child's element


def _plan_child(census_child: CensusChild, digest: bytes, child: Child | None, held: list[CPPlan]) -> _ChildWrite:
    """Work out, without writing, what one child's import changes.

    A child counts as updated when their record or any of their plans changed.
    """
    outcome = ImportSummary()
    held_by_start = {plan.start_date: plan for plan in held}
    declared = {plan.start_date: plan.declared_previous_plans for plan in held}
    for plan in census_child.plans:
        existing = held_by_start.get(plan.start_date)
        if existing is None or not _is_older_return(plan, existing):
            declared[plan.start_date] = plan.declared_previous_plans

    wanted = _child_values(census_child, declared)
    new_child, child_fields = None, []
    if child is None:
        new_child = {"local_child_id": census_child.local_child_id, "team_id": None, **wanted}
        outcome.children_created = 1
    else:
        changes = _changes(child, wanted)
        for name, value in changes.items():
            setattr(child, name, value)
        child_fields = list(changes)

    new_plans, changed_plans = [], []
    for plan in census_child.plans:
        existing = held_by_start.get(plan.start_date)
        if existing is None:
            new_plans.append({"start_date": plan.start_date, **_plan_values(plan, None, census_child.reference_date)})
            continue
        wanted = _plan_values(plan, existing, census_child.reference_date)
        changes = {} if _is_older_return(plan, existing) else _changes(existing, wanted)
        for name, value in changes.items():
            setattr(existing, name, value)
        if changes:
            changed_plans.append((existing, tuple(sorted(changes))))
    outcome.plans_created = len(new_plans)
    outcome.plans_updated = len(changed_plans)
    outcome.plans_unchanged = len(census_child.plans) - len(new_plans) - len(changed_plans)

    if not outcome.children_created:
        if child_fields or new_plans or changed_plans:
            outcome.children_updated = 1
        else:
            outcome.children_unchanged = 1
    change = _history_change(census_child, outcome) if new_plans or changed_plans else ""
    return _ChildWrite(
        census_child.local_child_id,
        child,
        new_child,
        child_fields,
        new_plans,
        changed_plans,
        outcome,
        change,
        digest,
        len(census_child.plans),
    )


def _write(writes: list[_ChildWrite], user) -> None:
    """Write several children at once: a few statements, whatever their number.

    Ended plans are updated before new plans go in, so that a plan ended in this return and the
    next one it shows never stand open together (rules 8935 and 8940 in the database). New rows
    are copied in (`_copy_in`). post_save is not sent for these rows: the import never changes a
    child's team, and the children it changes are handed once to `children_saved_in_bulk`
    (cases/signals.py) for their access to be checked. The children whose plans changed are
    announced together, inside this transaction, with `plan_histories_changed`. Last, each child's
    element digest is kept, after the writes whose triggers dropped the digests they made stale.
    """
    changed_children = [w.child for w in writes if w.child_fields]
    for fields, group in _grouped((w.child, tuple(sorted(w.child_fields))) for w in writes if w.child_fields):
        Child.objects.bulk_update(group, fields)
    for fields, group in _grouped(pair for w in writes for pair in w.changed_plans):
        CPPlan.objects.bulk_update(group, fields)
    created = _copy_in(Child, [w.new_child for w in writes if w.new_child], key="local_child_id")
    child_pks = {w.local_child_id: w.child.pk for w in writes if w.child is not None} | created
    _copy_in(CPPlan, [{"child_id": child_pks[w.local_child_id], **plan} for w in writes for plan in w.new_plans])
    if changed_children:
        children_saved_in_bulk.send(sender=Child, children=changed_children)
    # A child this import creates has no requests resting on its history yet: only those held are announced.
    changed_histories = [(w.child, w.history_change) for w in writes if w.history_change and w.child is not None]
    if changed_histories:
        plan_histories_changed.send(CPPlan, changes=changed_histories, user=user)
    _keep_digests([(child_pks[w.local_child_id], w.digest, w.plans) for w in writes])


# The statements below take the batch as arrays, one parameter each: thousands of parameters, one per
# value, cost more to bind than the statement takes to run.


def _keep_digests(rows: list[tuple[int, bytes, int]]) -> None:
    """Keep each (child id, element digest, plans) as ImportedChild."""
    if not rows:
        return
    child_ids, digests, plans = zip(*rows, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_importedchild (child_id, digest, plans) "
            "SELECT * FROM unnest(%s::bigint[], %s::bytea[], %s::integer[]) "
            "ON CONFLICT (child_id) DO UPDATE SET digest = EXCLUDED.digest, plans = EXCLUDED.plans",
            [list(child_ids), list(digests), list(plans)],
        )


def _imported(digests: list[bytes]) -> dict[bytes, tuple[str, int]]:
    """The children imported before from elements with these digests: {digest: (LAchildID, plans)}."""
    with connection.cursor() as cursor:
        cursor.execute(
            # The child's ID looked up row by row: a join may scan every child when the statistics lag.
            "SELECT digest, (SELECT local_child_id FROM cases_child WHERE id = child_id), plans "
            "FROM cases_importedchild WHERE digest = ANY(%s::bytea[])",
            [digests],
        )
        return {bytes(digest): (child_id, plans) for digest, child_id, plans in cursor.fetchall()}


def _copy_in(model, rows: list[dict], key: str | None = None) -> dict:
    """Insert `rows` (values by field name; the field's default where one is left out) with COPY.

    COPY cannot go through Django's cursor wrappers, where pghistory adds the history context to
    each statement, and the rows must be written by a statement that carries it: so they are
    copied into a temporary table, then inserted from there. Both statements' triggers (the
    history events, rule 8940) run once for all the rows. Returns {row[key]: new id}.
    """
    if not rows:
        return {}
    table = model._meta.db_table
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    defaults = {f.attname: f.get_default() for f in fields}
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE import_rows ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY import_rows ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row.get(f.attname, defaults[f.attname]) for f in fields])
        returning = f" RETURNING {connection.ops.quote_name(key)}, id" if key else ""
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM import_rows{returning}")
        created = dict(cursor.fetchall()) if key else {}
        cursor.execute("DROP TABLE import_rows")
    return created


def _grouped(rows: Iterable[tuple[object, tuple[str, ...]]]) -> Iterator[tuple[tuple[str, ...], list]]:
    """Rows gathered by the fields that change, so an update writes no field that did not."""
    groups: dict[tuple[str, ...], list] = {}
    for row, fields in rows:
        groups.setdefault(fields, []).append(row)
    return iter(groups.items())


def _history_change(census_child: CensusChild, outcome: ImportSummary) -> str:
    when = f" of {census_child.reference_date:%-d %B %Y}" if census_child.reference_date else ""
    return (
        f"The census return{when} added {outcome.plans_created} and changed {outcome.plans_updated} "
        "of the child's CP plans."
    )


_RULE_IN_CONSTRAINT = re.compile(r"rule_(\d{4})")


def _database_violation(error: DatabaseError) -> RuleViolation:
    """A constraint the checks above did not foresee (say, a plan added by hand meanwhile)."""
    match = _RULE_IN_CONSTRAINT.search(str(error))
    return RuleViolation(match.group(1) if match else "database", str(error).splitlines()[0])


def _batches(children: Iterable[tuple[CensusChild, bytes]], size: int) -> Iterator[list[tuple[CensusChild, bytes]]]:
    """Groups of children (with their elements' digests) for one round of look-ups and writes. A
    child the return shows twice starts a new batch, so that the second is compared with what the
    first wrote."""
    batch, ids = [], set()
    for child, digest in children:
        if len(batch) >= size or child.local_child_id in ids:
            yield batch
            batch, ids = [], set()
        batch.append((child, digest))
        ids.add(child.local_child_id)
    if batch:
        yield batch


def _elements(stream: BinaryIO, size: int) -> Iterator[list[ChildElement]]:
    batch = []
    for element in child_elements(stream):
        batch.append(element)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _import_elements(elements: list[ChildElement], user, batch_size: int) -> ImportSummary:
    """Import a batch of the return's elements: those imported before, as they are, are counted
    unchanged without being read; the rest are read and imported."""
    done = ImportSummary()
    digests = [element_digest(element) for element in elements]
    imported = _imported(digests)
    unread = [i for i, digest in enumerate(digests) if digest not in imported]
    read = dict(zip(unread, read_elements([elements[i] for i in unread]), strict=True))
    # A child the return shows twice, changed in one showing, is read in both: the change rewrites what
    # the other showing's digest stood for.
    changed = {child.local_child_id for child in read.values()}
    again = [i for i, digest in enumerate(digests) if i not in read and imported[digest][0] in changed]
    read.update(zip(again, read_elements([elements[i] for i in again]), strict=True))
    for i, digest in enumerate(digests):
        if i not in read:
            done.children_read += 1
            done.children_unchanged += 1
            done.plans_unchanged += imported[digest][1]
    for batch in _batches(((read[i], digests[i]) for i in sorted(read)), batch_size):
        with transaction.atomic():
            done.add(_import_batch(batch, user))
    return done


def _held(ids: set[str]) -> tuple[dict[str, Child], dict[str, list[CPPlan]]]:
    """The children already held among `ids`, and their plans: one query each."""
    children = {
        child.local_child_id: child
        for child in Child.objects.raw("SELECT * FROM cases_child WHERE local_child_id = ANY(%s)", [list(ids)])
    }
    by_pk = {child.pk: child.local_child_id for child in children.values()}
    held: dict[str, list[CPPlan]] = {child_id: [] for child_id in ids}
    for plan in CPPlan.objects.raw(
        "SELECT * FROM cases_cpplan WHERE child_id = ANY(%s) ORDER BY start_date", [list(by_pk)]
    ):
        held[by_pk[plan.child_id]].append(plan)
    return children, held


def _import_batch(batch: list[tuple[CensusChild, bytes]], user) -> ImportSummary:
    """Check every child of the batch, then write those that pass in one go.

    Should the database refuse the batch (a constraint the checks did not foresee, such as a plan
    written by hand meanwhile), it is written again child by child, each in its own savepoint, so
    that only the child at fault is rejected.
    """
    done = ImportSummary()
    children, held = _held({c.local_child_id for c, _ in batch if c.local_child_id})
    writes: list[_ChildWrite] = []
    for census_child, digest in batch:
        done.children_read += 1
        child_id = census_child.local_child_id
        violations = violations_of(census_child, held.get(child_id, []))
        if violations:
            done.children_rejected += 1
            done.rejections.append(Rejection(child_id, tuple(violations)))
        else:
            writes.append(_plan_child(census_child, digest, children.get(child_id), held.get(child_id, [])))
    try:
        with transaction.atomic():
            _write(writes, user)
    except DatabaseError:
        return _import_child_by_child(batch, user)
    for write in writes:
        done.add(write.outcome)
    return done


def _import_child_by_child(batch: list[tuple[CensusChild, bytes]], user) -> ImportSummary:
    """The batch again, each child in a savepoint of its own, read afresh: the slow, exact way."""
    done = ImportSummary()
    for census_child, digest in batch:
        child_id = census_child.local_child_id
        children, held = _held({child_id} if child_id else set())
        violations = violations_of(census_child, held.get(child_id, []))
        if not violations:
            write = _plan_child(census_child, digest, children.get(child_id), held.get(child_id, []))
            try:
                with transaction.atomic():
                    _write([write], user)
            except DatabaseError as error:
                violations = [_database_violation(error)]
            else:
                done.add(write.outcome)
        done.children_read += 1
        if violations:
            done.children_rejected += 1
            done.rejections.append(Rejection(child_id, tuple(violations)))
    return done


def import_census(
    source: str | BinaryIO,
    *,
    user=None,
    on_progress: Callable[[ImportSummary], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Import every child of a census return; returns the counts and the rejections.

    `source` is a path or a seekable binary file object. It is read through once to check that it
    is a CIN census message (cases.census.check_census_file), then again as a stream to import it.
    A broken file raises cases.census.CensusFileError and imports nothing. `on_progress` is called
    with the running summary after each batch of children.
    """
    summary = ImportSummary()
    context = {"source": "cin_census_import"}
    if user is not None:
        context["user"] = user.pk
    with open(source, "rb") if isinstance(source, str) else nullcontext(source) as stream:
        start = stream.tell()
        check_census_file(stream)
        stream.seek(start)
        with pghistory.context(**context):
            for elements in _elements(stream, batch_size):
                summary.add(_import_elements(elements, user, batch_size))
                if on_progress is not None:
                    on_progress(summary)
    return summary
