"""Quality assurance: deep-dive audits (their cases and the auditor's answers) and reports prepared
in the background.

These are ordinary working records, unlike the trail: an auditor's answers change as the audit
goes on. The tables keep the names they had in `audit` (db_table), so moving them moved no data.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from limits import runs


class Judgement(models.TextChoices):
    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"


class Grade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class DeepDiveAudit(models.Model):
    """An auditor's deep dive into the repeat-plan requests of a period (R15).

    The cases are chosen once, when the audit starts, and kept as DeepDiveCase rows; a sample is
    reproducible because its seed is stored and the order is md5(seed || request id).
    """

    title = models.CharField(max_length=200)
    period_from = models.DateField()
    period_to = models.DateField()
    service_area = models.ForeignKey(
        "people.ServiceArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey("people.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sample_size = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: every case in the period.")
    seed = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "audit_deepdiveaudit"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def period_label(self) -> str:
        return f"{self.period_from:%-d %b %Y} to {self.period_to:%-d %b %Y}"

    @property
    def scope_label(self) -> str:
        return str(self.team or self.service_area or "All service areas")

    @property
    def cases_label(self) -> str:
        if self.sample_size is None:
            return "Every repeat-plan request in the period"
        return f"Random sample of {self.sample_size} (seed {self.seed})"


class DeepDiveCase(models.Model):
    """One request in a deep dive: the auditor's overall grade and learning points."""

    audit = models.ForeignKey(DeepDiveAudit, on_delete=models.CASCADE, related_name="cases")
    request = models.ForeignKey("conferences.ConferenceRequest", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    grade = models.CharField(max_length=30, choices=Grade.choices, blank=True)
    learning_points = models.TextField(blank=True)
    audited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "audit_deepdivecase"
        ordering = ["audit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "request"], name="deep_dive_case_unique"),
            models.UniqueConstraint(fields=["audit", "position"], name="deep_dive_case_position_unique"),
        ]

    def __str__(self):
        return f"Case {self.position} of {self.audit}"

    @property
    def is_done(self):
        return bool(self.grade)

    @property
    def is_started(self):
        """Saved part-way: some answers kept, not yet graded."""
        return not self.grade and self.audited_at is not None


class DeepDiveAnswer(models.Model):
    """The auditor's judgement on one standard question (R1-R14) for one case."""

    case = models.ForeignKey(DeepDiveCase, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=4)
    judgement = models.CharField(max_length=20, choices=Judgement.choices, blank=True)  # blank: a case saved part-way
    comment = models.TextField(blank=True)
    record_showed = models.TextField(blank=True, help_text="What the record showed when the auditor answered.")

    class Meta:
        db_table = "audit_deepdiveanswer"
        ordering = ["case", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "question"], name="deep_dive_answer_unique")]

    def __str__(self):
        return f"{self.question}: {self.get_judgement_display()}"


class ReportRun(models.Model):
    """A report prepared in the background (Celery), with its progress and the file kept for download."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        STOPPED = "stopped", "Stopped"

    kind = models.CharField(max_length=30)
    parameters = models.JSONField(default=dict)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    message = models.CharField(max_length=300, blank=True)
    queued_at = models.DateTimeField(default=timezone.now, help_text="When it was last handed to the queue.")
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="When the worker last reported progress.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times a worker has started it.")
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    result = models.BinaryField(null=True, blank=True)

    class Meta:
        db_table = "audit_reportrun"
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.kind} report {self.pk} ({self.get_status_display()})"

    @property
    def stopped_reason(self) -> str:
        """Why the run has stopped without finishing (limits/runs.py); empty while it is alive or ended."""
        if self.status == self.Status.STOPPED:
            return self.message
        return runs.stopped_reason(self.status, self.queued_at, self.heartbeat_at or self.started_at)

    @property
    def is_active(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING) and not self.stopped_reason

    @property
    def status_shown(self) -> str:
        return self.Status.STOPPED.label if self.stopped_reason else self.get_status_display()
