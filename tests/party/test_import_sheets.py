"""One registry of import sheets, and each sheet's columns declared once: its row form's fields
with the headings the sheet gives them."""

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured

from party.access import can_import_sheet
from party.imports import registry
from party.imports.base import Sheet
from party.imports.columns import Heading

# One registry ---------------------------------------------------------------------------


class StraySheet(Sheet):
    title = "Đơn vị"  # the title of a registered sheet


def test_an_order_key_or_a_title_already_registered_is_refused():
    before = registry.sheets()
    with pytest.raises(ImproperlyConfigured):
        registry.register(StraySheet, order=100)
    with pytest.raises(ImproperlyConfigured):
        registry.register(StraySheet, order=999)
    assert registry.sheets() == before


def test_a_sheet_outside_the_registry_is_no_sheet_to_import(admin_user):
    assert not can_import_sheet(admin_user, StraySheet)
    assert all(can_import_sheet(admin_user, sheet) for sheet in registry.sheets())


# Columns declared once --------------------------------------------------------------------


class TwoFieldForm(forms.Form):
    code = forms.CharField()
    note = forms.CharField(required=False)


def test_a_form_field_without_a_heading_is_refused_when_the_sheet_is_defined():
    with pytest.raises(ImproperlyConfigured, match=r"fields without a heading \['note'\]"):

        class MissingHeading(Sheet):
            form_class = TwoFieldForm
            headings = {"code": Heading("Mã")}


def test_a_heading_without_a_form_field_is_refused_when_the_sheet_is_defined():
    with pytest.raises(ImproperlyConfigured, match=r"headings without a field \['kind'\]"):

        class ExtraHeading(Sheet):
            form_class = TwoFieldForm
            headings = {"code": Heading("Mã"), "note": Heading("Ghi chú"), "kind": Heading("Loại")}


def test_columns_follow_the_form_and_mark_its_required_fields():
    class Sheet2(Sheet):
        form_class = TwoFieldForm
        headings = {"note": Heading("Ghi chú", "Có thể để trống."), "code": Heading("Mã", width=8)}

    assert [(c.name, c.header, c.required, c.width) for c in Sheet2.columns] == [
        ("code", "Mã*", True, 8),
        ("note", "Ghi chú", False, 18),
    ]
