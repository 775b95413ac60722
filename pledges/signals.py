"""Receivers of the pledges app, connected by importing this module in PledgesConfig.ready()."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from pledges.models import PlanDeed, PledgeDeed


@receiver(post_save, sender=PlanDeed, dispatch_uid="recount_PlanDeed")
@receiver(post_delete, sender=PlanDeed, dispatch_uid="recount_PlanDeed")
@receiver(post_save, sender=PledgeDeed, dispatch_uid="recount_PledgeDeed")
@receiver(post_delete, sender=PledgeDeed, dispatch_uid="recount_PledgeDeed")
def recount_parent_deeds(sender, instance, created: bool = True, **kwargs) -> None:
    """A deed added or removed one at a time (forms, admin, the ORM) recounts its plan's or
    registration's deeds (`deed_count`). Bulk writes send no signals: they call `recount_deeds()`
    themselves."""
    if created:
        parent = instance._meta.get_field(sender.parent_field)
        parent.related_model.objects.filter(pk=getattr(instance, parent.attname)).recount_deeds()
