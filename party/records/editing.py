"""Edit forms that detect concurrent saves, and the save that enforces it."""

import secrets
from collections.abc import Iterable

from django import forms
from django.db import IntegrityError, models, transaction

# Text, not type=date: the browser's date picker shows the OS locale's order (often mm/dd).
DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "size": 10, "class": "date"}
)


def stale_message(what: str = "Bản ghi này") -> str:
    """Why an edit was not saved (`StaleEdit`); `what` names the thing: "Bản đăng ký này"."""
    return (
        f"{what} vừa được người khác lưu trong lúc anh/chị đang sửa, nên chưa lưu được. "
        "Nội dung anh/chị đã nhập vẫn còn dưới đây; hãy mở lại trang trong thẻ mới để xem bản mới nhất, "
        "đối chiếu rồi lưu lại."
    )


class StaleEdit(Exception):
    """Someone else saved the record after this person opened it."""


class VersionedForm(forms.ModelForm):
    """Carries the version the person started from, so a concurrent save is detected."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0


def save_versioned(*, form: VersionedForm, formsets: Iterable[forms.BaseInlineFormSet] = ()) -> models.Model:
    """Save a form (and its inline formsets) unless someone saved the record since it was opened.

    An edit carries the version it started from; a stale one raises StaleEdit. A new record has
    no version to compare: a second submit of the same new form meets a uniqueness constraint (a
    plan per unit and year; a work record's one-time `submit_token`) and is refused the same way.
    Files the refused save had already stored are removed, so nothing stays on disk without a row.
    """
    expected = form.cleaned_data["version"]
    creating = not form.instance.pk
    try:
        with transaction.atomic():
            instance = form.instance
            if instance.pk:
                # order_by(): the default ordering would join (and lock) related rows too.
                manager = type(instance)._base_manager
                current = manager.select_for_update().order_by().filter(pk=instance.pk).first()
                if current is None or current.version != expected:
                    raise StaleEdit
                instance.version = current.version + 1
            elif expected != 0:
                raise StaleEdit
            instance = form.save()
            for formset in formsets:
                formset.instance = instance
                formset.save()
            return instance
    except IntegrityError:
        if creating:
            discard_stored_files(form.instance)
        raise StaleEdit from None


def discard_stored_files(instance: models.Model) -> None:
    """Delete the files a save stored for a new row that was then refused (their names are new)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.FileField) and getattr(instance, field.attname):
            getattr(instance, field.attname).delete(save=False)


# A new record's form carries a one-time token, stored with the record it creates (a unique
# column): the same form sent again, by a reload or at the very same instant, shows that record.
def new_submit_token() -> str:
    return secrets.token_urlsafe(16)
