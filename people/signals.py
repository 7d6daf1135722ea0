"""A person's groups follow their role and place, however their row was saved."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from people.groups import place_staff
from people.models import Staff


@receiver(post_save, sender=Staff, dispatch_uid="place_staff")
def staff_saved(sender, instance, **kwargs):
    place_staff(instance)
