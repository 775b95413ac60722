"""When the review report's summary tables are refreshed: once per transaction, after it commits.

Single writes of registrations, their deeds, membership periods and people are seen by the
receivers below, with the person they concern; bulk writes (imports) send
`party.signals.units_changed` with the units they wrote. Either way what changed waits in a
`Pending` kept per database connection, and the first of the transaction's `on_commit` callbacks
refreshes it all (reports/tallies.py); the others find nothing left. A transaction that rolls
back refreshes nothing (what it noted waits for the next commit, where refreshing it again is
harmless). Outside a transaction Django runs the callback at once.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from party.models import Member, Membership
from party.signals import units_changed
from pledges.models import Pledge, PledgeDeed
from reports.tallies import refresh_tallies


@dataclass
class Pending:
    """What a transaction changed, waiting for its commit."""

    units: set[int] = field(default_factory=set)  # units whose rows are rebuilt
    people: set[int] = field(default_factory=set)  # people whose other units are rebuilt too
    pledges: set[int] = field(default_factory=set)  # registrations whose deed count changed
    bulk: bool = False  # a bulk write named units only: anyone in them may have changed


# Per database connection, so per thread.
_pending: WeakKeyDictionary = WeakKeyDictionary()


def refresh_after_commit(
    *, units: Iterable[int | None] = (), people: Iterable[int] = (), pledges: Iterable[int] = (), bulk=False
) -> None:
    """Refresh these units (and those of these registrations) when the transaction commits."""
    connection = transaction.get_connection()
    pending = _pending.setdefault(connection, Pending())
    pending.units.update(pk for pk in units if pk is not None)
    pending.people.update(people)
    pending.pledges.update(pledges)
    pending.bulk |= bulk
    # A refresh that fails must not turn a committed save into an error page: Django logs it,
    # and `manage.py refresh_report_tallies` repairs the tables.
    transaction.on_commit(_refresh_pending, robust=True)


def _refresh_pending() -> None:
    pending = _pending.pop(transaction.get_connection(), None)
    if pending is None:
        return  # an earlier callback of the same transaction did it
    units = pending.units
    if pending.pledges:
        units |= set(Pledge._base_manager.filter(pk__in=pending.pledges).values_list("unit_id", flat=True))
    if units:
        refresh_tallies(units, people=None if pending.bulk else pending.people)


@receiver(units_changed, dispatch_uid="reports_units_changed")
def _units_changed(sender, unit_ids: Iterable[int], **kwargs) -> None:
    refresh_after_commit(units=unit_ids, bulk=True)


@receiver(post_init, sender=Pledge, dispatch_uid="reports_pledge_loaded")
@receiver(post_init, sender=Membership, dispatch_uid="reports_membership_loaded")
def _remember_unit(sender, instance, **kwargs) -> None:
    """The unit a row was loaded with: a save that moves it refreshes the unit it leaves too."""
    instance._tally_unit_id = instance.__dict__.get("unit_id")


@receiver(post_save, sender=Pledge, dispatch_uid="reports_pledge_saved")
@receiver(post_delete, sender=Pledge, dispatch_uid="reports_pledge_deleted")
@receiver(post_save, sender=Membership, dispatch_uid="reports_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="reports_membership_deleted")
def _row_changed(sender, instance, **kwargs) -> None:
    refresh_after_commit(
        units=[instance.unit_id, getattr(instance, "_tally_unit_id", None)], people=[instance.member_id]
    )
    instance._tally_unit_id = instance.unit_id


@receiver(post_save, sender=PledgeDeed, dispatch_uid="reports_pledge_deed_saved")
@receiver(post_delete, sender=PledgeDeed, dispatch_uid="reports_pledge_deed_deleted")
def _deed_changed(sender, instance, created: bool = True, **kwargs) -> None:
    # Only an added or removed deed changes the registration's count (post_delete passes no
    # `created`); pledges' own receiver recounts it with an UPDATE, which sends no signal.
    if created:
        refresh_after_commit(pledges=[instance.pledge_id])


@receiver(post_save, sender=Member, dispatch_uid="reports_member_saved")
def _person_changed(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    """Party status and the leader flag count as they are now, in every unit of the person."""
    if created or (update_fields is not None and not {"party_status", "is_leader"} & set(update_fields)):
        return  # a new person's first period refreshes through Membership's post_save
    refresh_after_commit(units=[instance.unit_id], people=[instance.pk])
