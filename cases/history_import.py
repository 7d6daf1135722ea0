"""Importing CP plan history from DfE Children in Need census returns.

Why it works the way it does:
- Each child goes in whole or not at all (a savepoint per child): a child whose records break a
  census rule (cases/census_rules.py, the one place for them) is rejected with the rule number,
  and every other child still goes in. A child's plans in the file and those already held must
  together satisfy the rules, so an import cannot create an overlap the database would refuse.
- Importing the same return twice changes nothing: every value is compared before saving, so
  unchanged rows are not written and pghistory records no event for them.
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

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import BinaryIO

import pghistory
from django.db import DatabaseError, transaction

from cases import census_rules
from cases.census import CensusChild, CensusPlan, check_census_file, read_children
from cases.census_rules import SCHEMA, RuleViolation
from cases.models import Child, CPPlan, PlanSource
from cases.permissions import may_keep_plan_history
from cases.signals import plan_history_changed

BATCH_SIZE = 200


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


def _save_child(
    census_child: CensusChild, child: Child | None, held: list[CPPlan]
) -> tuple[Child, list[CPPlan], ImportSummary]:
    """Write one child and their plans, only what differs; runs in the caller's savepoint.

    Returns the child, all their plans and what changed. A child counts as updated when their
    record or any of their plans changed.
    """
    outcome = ImportSummary()
    plans = list(held)
    held_by_start = {plan.start_date: plan for plan in plans}
    declared = {plan.start_date: plan.declared_previous_plans for plan in plans}
    for plan in census_child.plans:
        existing = held_by_start.get(plan.start_date)
        if existing is None or not _is_older_return(plan, existing):
            declared[plan.start_date] = plan.declared_previous_plans

    wanted = _child_values(census_child, declared)
    child_changed = False
    if child is None:
        child = Child(local_child_id=census_child.local_child_id, team=None, **wanted)
        child.save()
        outcome.children_created = 1
    else:
        changes = _changes(child, wanted)
        if changes:
            for name, value in changes.items():
                setattr(child, name, value)
            child.save(update_fields=list(changes))
            child_changed = True

    for plan in census_child.plans:
        existing = held_by_start.get(plan.start_date)
        if existing is None:
            values = _plan_values(plan, None, census_child.reference_date)
            plans.append(CPPlan.objects.create(child=child, start_date=plan.start_date, **values))
            outcome.plans_created += 1
            continue
        wanted = _plan_values(plan, existing, census_child.reference_date)
        changes = {} if _is_older_return(plan, existing) else _changes(existing, wanted)
        if changes:
            for name, value in changes.items():
                setattr(existing, name, value)
            existing.save(update_fields=list(changes))
            outcome.plans_updated += 1
        else:
            outcome.plans_unchanged += 1

    if not outcome.children_created:
        if child_changed or outcome.plans_created or outcome.plans_updated:
            outcome.children_updated = 1
        else:
            outcome.children_unchanged = 1
    return child, plans, outcome


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


def _batches(children: Iterator[CensusChild], size: int) -> Iterator[list[CensusChild]]:
    """Groups of children for one round of look-ups."""
    while batch := list(itertools.islice(children, size)):
        yield batch


def _import_batch(batch: list[CensusChild], user) -> ImportSummary:
    done = ImportSummary()
    ids = {c.local_child_id for c in batch if c.local_child_id}
    children = {child.local_child_id: child for child in Child.objects.filter(local_child_id__in=ids)}
    held: dict[str, list[CPPlan]] = {child_id: [] for child_id in ids}
    for plan in CPPlan.objects.filter(child__local_child_id__in=ids).select_related("child"):
        held[plan.child.local_child_id].append(plan)
    for census_child in batch:
        done.children_read += 1
        child_id = census_child.local_child_id
        plans = held.get(child_id, [])
        violations = violations_of(census_child, plans)
        if not violations:
            try:
                with transaction.atomic():
                    child, saved_plans, outcome = _save_child(census_child, children.get(child_id), plans)
            except DatabaseError as error:
                violations = [_database_violation(error)]
                # The savepoint rolled back: what is held is what the database says again.
                children.pop(child_id, None)
                held[child_id] = list(CPPlan.objects.filter(child__local_child_id=child_id))
                if Child.objects.filter(local_child_id=child_id).exists():
                    children[child_id] = Child.objects.get(local_child_id=child_id)
            else:
                children[child_id] = child
                held[child_id] = saved_plans
                done.add(outcome)
                if outcome.plans_created or outcome.plans_updated:
                    plan_history_changed.send(
                        CPPlan, child=child, user=user, change=_history_change(census_child, outcome)
                    )
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
            for batch in _batches(read_children(stream), batch_size):
                with transaction.atomic():
                    done = _import_batch(batch, user)
                summary.add(done)
                if on_progress is not None:
                    on_progress(summary)
    return summary
