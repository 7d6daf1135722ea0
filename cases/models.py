"""The children and their child protection (CP) plan history.

The census rules for CP plans (cases/census_rules.py) hold here twice over: in `clean()`, so a
form shows a message naming the rule, and as database constraints, so nothing else can write a
plan that breaks one.
"""

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from audit.history import UnskippableTrigger, never_deleted, tracked_per_statement
from cases import census_rules
from cases.codes import CATEGORY_CHOICES, EVERY_ASSESSMENT_FACTOR, SEX_CHOICES
from limits import runs
from limits.dates import Dated, date_problems
from people.models import Team


class Family(models.Model):
    reference = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=100, help_text="How the family is known, e.g. the Smith family")

    class Meta:
        verbose_name_plural = "families"
        ordering = ["name"]

    def __str__(self):
        return self.name


# A child moved to another team takes their plans' facts along (PlanFacts.team), whatever moved them.
PLAN_FACTS_FOLLOW_TEAM = UnskippableTrigger(
    name="plan_facts_follow_team",
    operation=pgtrigger.Update,
    when=pgtrigger.After,
    level=pgtrigger.Statement,
    referencing=pgtrigger.Referencing(old="before_write", new="written"),
    func="""
        UPDATE cases_planfacts facts SET team_id = written.team_id
        FROM before_write JOIN written USING (id)
        WHERE facts.child_id = written.id AND before_write.team_id IS DISTINCT FROM written.team_id;
        RETURN NULL;
    """,
)


# A child's census element, once imported, is skipped by later imports of it (ImportedChild) only
# while the child's record and plans stay as the import left them. Whatever else writes them (a
# correction, a conference's plan, the admin, raw SQL) drops the digest here, so that the next import
# reads the child again. Statement-level, like the facts above; nobody may skip these either.
_FORGET_IMPORTED = "DELETE FROM cases_importedchild WHERE child_id IN ({children}); RETURN NULL;"
FORGET_IMPORT_ON_PLAN_INSERT = UnskippableTrigger(
    name="forget_import_on_plan_insert",
    operation=pgtrigger.Insert,
    when=pgtrigger.After,
    level=pgtrigger.Statement,
    referencing=pgtrigger.Referencing(new="written"),
    func=_FORGET_IMPORTED.format(children="SELECT child_id FROM written"),
)
FORGET_IMPORT_ON_PLAN_UPDATE = UnskippableTrigger(
    name="forget_import_on_plan_update",
    operation=pgtrigger.Update,
    when=pgtrigger.After,
    level=pgtrigger.Statement,
    referencing=pgtrigger.Referencing(old="before_write", new="written"),
    func=_FORGET_IMPORTED.format(children="SELECT child_id FROM written UNION SELECT child_id FROM before_write"),
)
# Only the values the import reads or writes: a child moved to another team keeps the digest.
FORGET_IMPORT_ON_CHILD_UPDATE = UnskippableTrigger(
    name="forget_import_on_child_update",
    operation=pgtrigger.Update,
    when=pgtrigger.After,
    level=pgtrigger.Statement,
    referencing=pgtrigger.Referencing(old="before_write", new="written"),
    func=_FORGET_IMPORTED.format(
        children="""
            SELECT written.id FROM before_write JOIN written USING (id)
            WHERE (before_write.local_child_id, before_write.date_of_birth, before_write.expected_date_of_birth,
                   before_write.sex, before_write.ethnicity, before_write.has_disability,
                   before_write.declared_previous_plans)
                  IS DISTINCT FROM
                  (written.local_child_id, written.date_of_birth, written.expected_date_of_birth,
                   written.sex, written.ethnicity, written.has_disability, written.declared_previous_plans)
        """
    ),
)


@tracked_per_statement
class Child(models.Model):
    local_child_id = models.CharField("local child ID", max_length=36, unique=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=SEX_CHOICES, default="0")
    ethnicity = models.CharField(max_length=4, blank=True)
    has_disability = models.BooleanField(null=True, blank=True)
    family = models.ForeignKey(Family, null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Allocated team. Unallocated children are seen by CP chairs, CP Managers and auditors.",
    )
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="allocated_children"
    )
    declared_previous_plans = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="NumberOfPreviousCPP from the census, where known."
    )

    class Meta:
        verbose_name_plural = "children"
        ordering = ["last_name", "first_name", "local_child_id"]
        # Browsing children in name order, a page at a time, reads the index alone (the id is in it).
        # The search's trigram indexes are added where PostgreSQL has pg_trgm (cases migration 0014).
        indexes = [
            models.Index(fields=["last_name", "first_name", "local_child_id"], include=["id"], name="child_name_order")
        ]
        triggers = [PLAN_FACTS_FOLLOW_TEAM, FORGET_IMPORT_ON_CHILD_UPDATE]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=False) | Q(expected_date_of_birth__isnull=False),
                name="child_has_birth_or_expected_date",
                violation_error_message="Enter a date of birth or an expected date of birth.",
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return " ".join(part for part in (self.first_name, self.last_name) if part) or self.local_child_id

    def siblings(self):
        if self.family_id is None:
            return Child.objects.none()
        return Child.objects.filter(family_id=self.family_id).exclude(pk=self.pk)


class ChildUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Child, on_delete=models.CASCADE)


class ChildGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Child, on_delete=models.CASCADE)


# Rule 8940 in the database. An exclusion constraint would need the btree_gist extension, which
# the embedded PostgreSQL does not ship; this trigger locks the children's rows first, so two plans
# written at once for one child are checked one after the other. It runs after the rows are
# written, so the unique constraints (8935, one plan per start day) speak first. Both ends are in
# the range ('[]'): as the DfE counts it, a plan starting on the day another ended overlaps it.
# It runs once per statement over the rows the statement wrote (its transition table), so that an
# import writing thousands of plans in one statement checks them in one query.
_RULE_8940_CHECK = """
    PERFORM 1 FROM cases_child WHERE id IN (SELECT child_id FROM written) ORDER BY id FOR UPDATE;
    IF EXISTS (
        SELECT 1 FROM written JOIN cases_cpplan other
            ON other.child_id = written.child_id AND other.id <> written.id
        WHERE daterange(other.start_date, other.end_date, '[]')
              && daterange(written.start_date, written.end_date, '[]')
    ) THEN
        RAISE EXCEPTION 'Rule 8940: the plan overlaps another of the child''s plans.'
            USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'rule_8940_no_overlap';
    END IF;
    RETURN NULL;
"""
RULE_8940_NO_OVERLAP = [
    pgtrigger.Trigger(
        name=f"rule_8940_no_overlap_{operation.lower()}",
        operation=getattr(pgtrigger, operation),
        when=pgtrigger.After,
        level=pgtrigger.Statement,
        referencing=pgtrigger.Referencing(new="written"),
        func=_RULE_8940_CHECK,
    )
    for operation in ("Insert", "Update")
]


# The plan facts (PlanFacts) of every child whose plans a statement wrote, recomputed whatever wrote
# them: the census import, the admin, a conference outcome, a correction, raw SQL. Statement-level,
# so a bulk insert recomputes each child once. The facts have their own table: updating the plan
# rows themselves would fire the plan's history and rule 8940 triggers again for facts derived from
# them. Nobody may skip these triggers (pgtrigger.ignore), or the indicators would count stale
# facts. Plans are never deleted, so inserts and updates are all there is to follow. The children's
# rows are locked first (in id order, as rule 8940 locks them), so that two writers of one child's
# plans count one after the other, the second with the first's plans.
KEEP_PLAN_FACTS = """
    PERFORM 1 FROM cases_child WHERE id IN ({children}) ORDER BY id FOR UPDATE;
    INSERT INTO cases_planfacts (plan_id, child_id, team_id, start_date, end_date, held_by_other_council,
                                 previous_plans, previous_end)
    SELECT id, child_id, team_id, start_date, end_date, held_by_other_council,
           position + GREATEST(0, MAX(declared - position) OVER earlier), previous_end
    FROM (
        SELECT plan.id, plan.child_id, child.team_id, plan.start_date, plan.end_date, plan.held_by_other_council,
               plan.declared_previous_plans AS declared,
               ROW_NUMBER() OVER earlier - 1 AS position, LAG(plan.end_date) OVER earlier AS previous_end
        FROM cases_cpplan plan
        JOIN cases_child child ON child.id = plan.child_id
        WHERE plan.child_id IN ({children})
        WINDOW earlier AS (PARTITION BY plan.child_id ORDER BY plan.start_date)
    ) numbered
    WINDOW earlier AS (PARTITION BY child_id ORDER BY start_date)
    ON CONFLICT (plan_id) DO UPDATE
        SET child_id = EXCLUDED.child_id, team_id = EXCLUDED.team_id, start_date = EXCLUDED.start_date,
            end_date = EXCLUDED.end_date, held_by_other_council = EXCLUDED.held_by_other_council,
            previous_plans = EXCLUDED.previous_plans, previous_end = EXCLUDED.previous_end
        WHERE (cases_planfacts.child_id, cases_planfacts.team_id, cases_planfacts.start_date,
               cases_planfacts.end_date, cases_planfacts.held_by_other_council,
               cases_planfacts.previous_plans, cases_planfacts.previous_end)
              IS DISTINCT FROM
              (EXCLUDED.child_id, EXCLUDED.team_id, EXCLUDED.start_date, EXCLUDED.end_date,
               EXCLUDED.held_by_other_council, EXCLUDED.previous_plans, EXCLUDED.previous_end);
"""

PLAN_FACTS_ON_INSERT = UnskippableTrigger(
    name="plan_facts_on_insert",
    operation=pgtrigger.Insert,
    when=pgtrigger.After,
    level=pgtrigger.Statement,
    referencing=pgtrigger.Referencing(new="written"),
    func=KEEP_PLAN_FACTS.format(children="SELECT child_id FROM written") + "RETURN NULL;",
)

# Only a change to what the facts are made of recomputes them (both children, when a plan moves).
PLAN_FACTS_ON_UPDATE = UnskippableTrigger(
    name="plan_facts_on_update",
    operation=pgtrigger.Update,
    when=pgtrigger.After,
    level=pgtrigger.Statement,
    referencing=pgtrigger.Referencing(old="before_write", new="written"),
    func=KEEP_PLAN_FACTS.format(
        children="""
            SELECT child FROM before_write JOIN written USING (id),
                 LATERAL (VALUES (before_write.child_id), (written.child_id)) AS children (child)
            WHERE (before_write.child_id, before_write.start_date, before_write.end_date,
                   before_write.held_by_other_council, before_write.declared_previous_plans)
                  IS DISTINCT FROM
                  (written.child_id, written.start_date, written.end_date,
                   written.held_by_other_council, written.declared_previous_plans)
        """
    )
    + "RETURN NULL;",
)


class HowPlanEnded(models.TextChoices):
    STEPPED_DOWN_CIN = "stepped_down_cin", "Stepped down to Child in Need plan"
    STEPPED_DOWN_EARLY_HELP = "stepped_down_early_help", "Stepped down to early help"
    CLOSED = "closed", "Case closed"
    CARE_PROCEEDINGS = "care_proceedings", "Care proceedings / looked after"
    MOVED_AWAY = "moved_away", "Moved to another council"
    OTHER = "other", "Other"


class PlanSource(models.TextChoices):
    """Where a plan on the child's record came from, as the child's page says it."""

    CENSUS = "census", "Census return"
    CONFERENCE = "conference", "Conference"
    ENTERED = "entered", "Entered by the data manager"


@tracked_per_statement
class CPPlan(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="plans")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    initial_category = models.CharField("initial category of abuse", max_length=3, choices=CATEGORY_CHOICES)
    latest_category = models.CharField("latest category of abuse", max_length=3, choices=CATEGORY_CHOICES)
    assessment_factors = ArrayField(models.CharField(max_length=3), default=list, blank=True)
    how_ended = models.CharField(max_length=30, choices=HowPlanEnded.choices, blank=True)
    outstanding_actions_at_closure = models.BooleanField(default=False)
    core_group_actions_not_implemented = models.BooleanField(default=False)
    held_by_other_council = models.BooleanField(default=False)
    other_council = models.CharField(max_length=100, blank=True)
    declared_previous_plans = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="NumberOfPreviousCPP as the census declared it for this plan."
    )
    source = models.CharField(max_length=12, choices=PlanSource.choices, default=PlanSource.ENTERED)
    source_date = models.DateField(
        null=True,
        blank=True,
        help_text="The reference date of the latest census return that held the plan, or the conference's date.",
    )

    class Meta:
        ordering = ["start_date"]
        verbose_name = "CP plan"
        # A plan is never deleted, whatever the session asks: a wrong plan is corrected, with a reason.
        triggers = [
            *RULE_8940_NO_OVERLAP,
            never_deleted(),
            PLAN_FACTS_ON_INSERT,
            PLAN_FACTS_ON_UPDATE,
            FORGET_IMPORT_ON_PLAN_INSERT,
            FORGET_IMPORT_ON_PLAN_UPDATE,
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="rule_8925_end_not_before_start",
                violation_error_message="Rule 8925: the plan ends before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | ~Q(end_date=models.F("start_date")),
                name="rule_8840_not_same_day",
                violation_error_message="Rule 8840: a plan cannot start and end on the same day.",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(end_date__isnull=True),
                name="rule_8935_one_open_plan",
                violation_error_message="Rule 8935: the child already has an open plan.",
            ),
            models.UniqueConstraint(
                fields=["child", "start_date"],
                name="plan_start_unique_per_child",
                violation_error_message="Rule 8940: the child already has a plan starting that day.",
            ),
            models.CheckConstraint(
                condition=Q(initial_category__in=[c for c, _ in CATEGORY_CHOICES]),
                name="rule_8905_initial_category_valid",
                violation_error_message="Rule 8905: the initial category of abuse is missing or invalid.",
            ),
            models.CheckConstraint(
                condition=Q(latest_category__in=[c for c, _ in CATEGORY_CHOICES]),
                name="rule_8910_latest_category_valid",
                violation_error_message="Rule 8910: the latest category of abuse is missing or invalid.",
            ),
        ]

    def __str__(self):
        return f"CP plan {self.start_date} to {self.end_date or 'open'}"

    @property
    def open_only_per_census(self) -> bool:
        """Open, and known to be open only from a census return: it may have ended since."""
        return self.end_date is None and self.source == PlanSource.CENSUS

    @property
    def categories(self) -> set[str]:
        return {c for c in (self.initial_category, self.latest_category) if c}

    def clean(self):
        """Every census rule the plan breaks, at once, each message naming its DfE rule number."""
        errors = {}
        dates = census_rules.plan_date_violations(self.start_date, self.end_date) if self.start_date else []
        if dates:
            errors["end_date"] = [str(v) for v in dates]
        for violation in census_rules.category_violations(self.initial_category, self.latest_category):
            field = "initial_category" if violation.rule == "8905" else "latest_category"
            errors.setdefault(field, []).append(str(violation))
        bad = census_rules.unknown_codes(factors=self.assessment_factors or [], factor_codes=EVERY_ASSESSMENT_FACTOR)
        if bad:
            errors["assessment_factors"] = [f"Unknown assessment factor code(s): {', '.join(bad)}."]
        contradiction = census_rules.contradictory_factors(self.assessment_factors or [])
        if contradiction:
            errors.setdefault("assessment_factors", []).append(f"{contradiction}.")
        if self.child_id and self.start_date:
            life = date_problems(
                [
                    Dated("start_date", "The plan's start date", self.start_date, 0),
                    Dated("end_date", "The plan's end date", self.end_date, 0),
                ],
                date_of_birth=self.child.date_of_birth,
                expected_date_of_birth=self.child.expected_date_of_birth,
            )
            for field, message in life.items():
                errors.setdefault(field, []).append(f"{message}.")
        if self.held_by_other_council and not self.other_council:
            errors["other_council"] = ["Enter which council held the plan."]
        if self.child_id and self.start_date and not dates:
            others = [(p.start_date, p.end_date) for p in self.child.plans.exclude(pk=self.pk)]
            history = census_rules.history_violations([*others, (self.start_date, self.end_date)])
            if history:
                errors[NON_FIELD_ERRORS] = [str(v) for v in history]
        if errors:
            raise ValidationError(errors)


class Engagement(models.TextChoices):
    ENGAGED = "engaged", "Engaged"
    PARTLY = "partly", "Partly engaged"
    NOT_ENGAGED = "not_engaged", "Did not engage"
    NOT_KNOWN = "not_known", "Not known"


class PlanFacts(models.Model):
    """A plan as the reports count it, kept by the database on every write of the child's plans
    (KEEP_PLAN_FACTS) and of the child's team, so that the indicators read one narrow table rather
    than every plan in order joined to every child.

    `previous_plans` is cases.selectors.previous_plans_before_each's count: the plans on record before
    this one, raised to the census's NumberOfPreviousCPP where it says more. `previous_end` is the end
    of the plan on record just before it (None for the first). The rest copies the plan and the
    child's team.
    """

    plan = models.OneToOneField(CPPlan, on_delete=models.CASCADE, primary_key=True, related_name="facts")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    # No constraint: a team is only ever removed once no child is in it, and then no facts name it.
    team = models.ForeignKey(Team, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True)
    held_by_other_council = models.BooleanField()
    previous_plans = models.PositiveIntegerField()
    previous_end = models.DateField(null=True)

    class Meta:
        verbose_name_plural = "plan facts"
        # A period's plans are those starting or ending in it: a BitmapOr of these two (EXPLAIN, 1M plans).
        indexes = [
            models.Index(fields=["start_date"], name="plan_facts_start"),
            models.Index(fields=["end_date"], name="plan_facts_end"),
        ]

    def __str__(self):
        return f"{self.plan}: {self.previous_plans} previous"


@tracked_per_statement
class PlanService(models.Model):
    """A service delivered under a CP plan, and how the family engaged with it (R7)."""

    plan = models.ForeignKey(CPPlan, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=200)
    engagement = models.CharField(max_length=20, choices=Engagement.choices, default=Engagement.NOT_KNOWN)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ImportedChild(models.Model):
    """The digest of the <Child> element a census import last wrote for a child, and its number of
    plans: a later import finding the same element counts the child unchanged without reading it
    (cases/history_import.py). Dropped by the database whenever anything else writes the child's
    record or plans (FORGET_IMPORT_*). Not tracked: it records no decision, only what to skip."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, primary_key=True, related_name="+")
    digest = models.BinaryField(max_length=32)
    plans = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["digest"], name="imported_child_digest")]

    def __str__(self):
        return f"{self.child_id}: {self.digest.hex()[:12]}"


class ImportRun(models.Model):
    """One census return loaded in the background (cases/tasks.py): its progress, counts and the
    rejected children, kept so that the auditor can download the report afterwards."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"
        STOPPED = "stopped", "Stopped"

    file = models.FileField(upload_to="history_imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent of the file read.")
    queued_at = models.DateTimeField(default=timezone.now, help_text="When it was last handed to the queue.")
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="When the worker last reported progress.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times a worker has started it.")
    finished_at = models.DateTimeField(null=True, blank=True)
    children_read = models.PositiveIntegerField(default=0)
    children_created = models.PositiveIntegerField(default=0)
    children_updated = models.PositiveIntegerField(default=0)
    children_unchanged = models.PositiveIntegerField(default=0)
    children_rejected = models.PositiveIntegerField(default=0)
    plans_created = models.PositiveIntegerField(default=0)
    plans_updated = models.PositiveIntegerField(default=0)
    plans_unchanged = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True, help_text="The rejected children and the rules they break.")
    error = models.TextField(blank=True, help_text="Why the run stopped, when it failed.")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"Import of {self.original_name} ({self.get_status_display()})"

    @property
    def stopped_reason(self) -> str:
        """Why the run has stopped without finishing (limits/runs.py); empty while it is alive or ended."""
        if self.status == self.Status.STOPPED:
            return self.error
        return runs.stopped_reason(self.status, self.queued_at, self.heartbeat_at or self.started_at)

    @property
    def is_active(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING) and not self.stopped_reason

    @property
    def status_shown(self) -> str:
        return self.Status.STOPPED.label if self.stopped_reason else self.get_status_display()
