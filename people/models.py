"""Who works where: the council's service areas, their teams, and each person's role and place.

The tables keep the names they had when these models lived in `cases` (db_table), so moving them
here moved no data.
"""

from django.conf import settings
from django.db import models

from people.roles import Role


class ServiceArea(models.Model):
    """One of the council's service areas that use the practice direction."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        db_table = "cases_servicearea"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Team(models.Model):
    name = models.CharField(max_length=100)
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="teams")

    class Meta:
        db_table = "cases_team"
        ordering = ["service_area__name", "name"]
        constraints = [models.UniqueConstraint(fields=["service_area", "name"], name="team_name_unique_in_area")]

    def __str__(self):
        return self.name


class Staff(models.Model):
    """A person's role and place in the council. Their group follows their role."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=30, choices=Role.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    service_area = models.ForeignKey(ServiceArea, null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    job_title = models.CharField(max_length=100, blank=True)

    class Meta:
        db_table = "cases_staff"
        verbose_name_plural = "staff"

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.username} ({self.get_role_display()})"
