"""Multi-step writes of the pledge cycle, each in one transaction."""

from django.db import models, transaction
from django.forms import BaseInlineFormSet, ModelForm
from simple_history.utils import update_change_reason

from party.records.editing import save_versioned
from pledges.models import Pledge, PledgeStatus


def save_with_deeds(*, form: ModelForm, formset: BaseInlineFormSet) -> models.Model:
    """Save a plan or a registration and its deed rows, refusing a save made on a stale copy."""
    return save_versioned(form=form, formsets=[formset])


@transaction.atomic
def reopen_pledge(*, pledge: Pledge, reason: str = "Mở lại để sửa") -> Pledge:
    """Committee staff unlock an evaluated registration; the history records it."""
    pledge = Pledge.objects.select_for_update().order_by().get(pk=pledge.pk)
    pledge.status = PledgeStatus.REGISTERED
    pledge.evaluated_at = None
    pledge.version += 1
    pledge.save()
    update_change_reason(pledge, reason)
    return pledge
