"""Edit forms that detect concurrent saves, and the save that enforces it."""

import secrets
from collections.abc import Iterable

from django import forms
from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, models, transaction

# Text, not type=date: the browser's date picker shows the OS locale's order (often mm/dd).
DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "size": 10, "class": "date"}
)

STALE_MESSAGE = (
    "Bản ghi này vừa được người khác lưu trong lúc anh/chị đang sửa, nên chưa lưu được. "
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
    no version to compare: where the model has a uniqueness constraint (a plan per unit and year),
    a second submit of the same new form meets it and is refused the same way; work records have
    none, so their pages catch a repeated new form by its one-time token (`created_by_token()`).
    """
    expected = form.cleaned_data["version"]
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
        raise StaleEdit from None


# A new record's form carries a one-time token; after the record is created the session maps the
# token to it, so the same form sent again (reload, back button) shows that record instead of
# creating a twin. Two sends at the very same moment would both pass: the page's script already
# disables the button after the first click.
SUBMIT_TOKENS_KEY = "created_by_submit_token"
KEPT_TOKENS = 50


def new_submit_token() -> str:
    return secrets.token_urlsafe(16)


def created_by_token(session: SessionBase, token: str, model: type[models.Model]) -> int | None:
    """The pk of the record this form's token already created, if any."""
    entry = session.get(SUBMIT_TOKENS_KEY, {}).get(token) if token else None
    if entry and entry[0] == model._meta.label:
        return entry[1]
    return None


def remember_created(session: SessionBase, token: str, record: models.Model) -> None:
    if not token:
        return
    tokens = {**session.get(SUBMIT_TOKENS_KEY, {}), token: [record._meta.label, record.pk]}
    session[SUBMIT_TOKENS_KEY] = dict(list(tokens.items())[-KEPT_TOKENS:])
