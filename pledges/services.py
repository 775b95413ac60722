"""Multi-step writes of the pledge cycle, each in one transaction."""

from django.db import IntegrityError, models, transaction
from django.forms import BaseInlineFormSet, ModelForm
from simple_history.utils import update_change_reason

from pledges.models import Pledge, PledgeStatus


class StaleEdit(Exception):
    """Someone else saved the record after this person opened it."""


def save_with_deeds(*, form: ModelForm, formset: BaseInlineFormSet) -> models.Model:
    """Save a plan or a registration and its deed rows, refusing a save made on a stale copy.

    A second submit of the same new form meets the (unit or person, year) uniqueness
    constraint and is refused the same way instead of creating a twin.
    """
    expected = form.cleaned_data["version"]
    try:
        with transaction.atomic():
            instance = form.instance
            if instance.pk:
                # order_by(): the default ordering would join (and lock) the unit or member row too.
                current = type(instance).objects.select_for_update().order_by().filter(pk=instance.pk).first()
                if current is None or current.version != expected:
                    raise StaleEdit
                instance.version = current.version + 1
            elif expected != 0:
                raise StaleEdit
            instance = form.save()
            formset.instance = instance
            formset.save()
            return instance
    except IntegrityError:
        raise StaleEdit from None


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
