"""Single writes keep the report tallies true (reports/tallies.py); bulk writes send no signals
and call `refresh_tallies()` themselves. A service that saves many rows wraps them in
`refreshed_once()`, so the units are refreshed once at its end.

A save refreshes the unit the row is in now and, when it moved, the unit it was in: the old unit
is read in pre_save, as only an existing row can have moved.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from party.models import Member, Membership
from pledges.models import Pledge, PledgeDeed
from reports.tallies import note_units, units_of_people


@receiver(pre_save, sender=Pledge, dispatch_uid="tally_old_pledge_unit")
@receiver(pre_save, sender=Membership, dispatch_uid="tally_old_membership_unit")
def _remember_unit(sender, instance, **kwargs) -> None:
    if not instance._state.adding and instance.pk is not None:
        instance._tally_old_unit_id = (
            sender._base_manager.filter(pk=instance.pk).values_list("unit_id", flat=True).first()
        )


@receiver(post_save, sender=Pledge, dispatch_uid="tally_pledge_saved")
@receiver(post_delete, sender=Pledge, dispatch_uid="tally_pledge_deleted")
@receiver(post_save, sender=Membership, dispatch_uid="tally_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="tally_membership_deleted")
def _refresh_unit(sender, instance, **kwargs) -> None:
    note_units([instance.unit_id, getattr(instance, "_tally_old_unit_id", None)])


@receiver(post_save, sender=PledgeDeed, dispatch_uid="tally_pledge_deed_saved")
@receiver(post_delete, sender=PledgeDeed, dispatch_uid="tally_pledge_deed_deleted")
def _refresh_deeds(sender, instance, created: bool = True, **kwargs) -> None:
    # Only an added or removed deed changes the count (post_delete passes no `created`).
    # Connected after pledges' own receiver, which has recounted the registration's deeds.
    if created:
        note_units(Pledge._base_manager.filter(pk=instance.pledge_id).values_list("unit_id", flat=True))


@receiver(post_save, sender=Member, dispatch_uid="tally_member_saved")
def _refresh_person(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    """Party status and leader flag are counted as they are now, in every unit of the person."""
    if created or (update_fields is not None and not {"party_status", "is_leader"} & set(update_fields)):
        return  # a new person's first period refreshes through Membership's post_save
    note_units(units_of_people([instance.pk]))
