"""Receivers of the party app that hold for every model of ours, connected in PartyConfig.ready()."""

import unicodedata

from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import Signal, receiver

# Sent by a bulk writer (an import, the demo data) after its bulk write, inside its transaction:
# `units_changed.send(sender=<the model written>, unit_ids=<the units whose people, registrations
# or membership periods changed>)`. Bulk writes send no model signals; apps above party (the
# report's summary tables) listen to this instead of being called.
units_changed = Signal()

# The apps whose text people type: pages, admin, imports.
OWN_APPS = {"party", "pledges", "reports"}


@receiver(pre_save, dispatch_uid="party.signals.text_in_nfc")
def text_in_nfc(sender, instance, **kwargs) -> None:
    """Store typed text in NFC, whatever the keyboard sent: a decomposed "Nguyễn" (NFD, as some
    phones and Mac input methods send it) would look the same on the page and miss every search,
    sort and comparison of the composed one. Bulk writes (imports) read cells through
    party.imports.base.cell_text, which does the same."""
    if sender._meta.app_label not in OWN_APPS:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
                setattr(instance, field.attname, unicodedata.normalize("NFC", value))
