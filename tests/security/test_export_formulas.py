"""Workbooks and CSV files the application writes never turn text from the data into a formula.

Each export is downloaded over HTTP and read back: no cell is a formula ("f"), no sheet XML
holds a formula element, every planted text comes back unchanged and quote-prefixed. The
report workbook has the same test in tests/reports/test_export.py, its CSV lists in
tests/reports/test_export_csv.py; all go through party/xlsx.py, tested on its own below.
"""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from party.models import Member, Membership, Unit
from party.xlsx import FORMULA_STARTS
from pledges.models import Pledge
from tests.pledges.helpers import deed_post

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]
YEAR = 2026


def formula_free(data: bytes) -> openpyxl.Workbook:
    """The workbook read back, after checking no cell and no sheet XML holds a formula."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    for name in archive.namelist():
        if name.startswith("xl/worksheets/"):
            xml = archive.read(name)
            assert b"<f>" not in xml and b"<f " not in xml, name
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    return book


def text_cells(book: openpyxl.Workbook) -> dict[str, list]:
    found: dict[str, list] = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    found.setdefault(cell.value, []).append(cell)
    return found


def test_cell_workbook_keeps_hostile_text_as_text(login, secretary_a, people, tree):
    Membership.objects.update(started_on=datetime.date(2016, 1, 1))
    an, client = people["an"], login(secretary_a)
    # Through the registration form as the secretary types it: the commitment and three deeds.
    deeds = [
        {"content": HOSTILE[0], "target": HOSTILE[1], "deadline": ""},
        {"content": HOSTILE[2], "target": HOSTILE[3], "deadline": ""},
    ]
    response = client.post(
        reverse("pledge_edit", args=[an.pk, YEAR]), deed_post(deeds, commitment=HOSTILE[0], version="0")
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get(member=an, year=YEAR)
    assert [(d.content, d.target) for d in pledge.deeds.all()] == [(d["content"], d["target"]) for d in deeds]
    # Every form strips leading whitespace, so a tab or CR start can only come from older data
    # (an import of another tool's file, the admin's raw SQL): planted in the database directly.
    Member.objects.filter(pk=an.pk).update(full_name=HOSTILE[4])
    Unit.objects.filter(pk=tree["cell_a"].pk).update(name=HOSTILE[5])

    response = client.get(reverse("cell_workbook", args=[tree["cell_a"].pk, YEAR]))
    assert response.status_code == 200
    found = text_cells(formula_free(response.content))
    for text in HOSTILE[:5]:
        assert text in found, text  # round-trips unchanged
        assert all(cell.quotePrefix for cell in found[text])
    # The unit's name appears inside the guide's sentence "name (mã CBA)": not at the start.
    assert f"{HOSTILE[5]} (mã CBA)" in found


def test_import_template_has_no_formula(login, staff):
    response = login(staff).get(reverse("import_template"))
    assert response.status_code == 200
    found = text_cells(formula_free(response.content))
    risky = [cell for text, cells in found.items() if text.startswith(FORMULA_STARTS) for cell in cells]
    assert all(cell.quotePrefix and cell.data_type == "s" for cell in risky)


@pytest.mark.parametrize("text", HOSTILE)
def test_put_text_round_trips_every_formula_start(text):
    """The shared helper on its own: what the exports above rely on, one start at a time."""
    from party.xlsx import put_text

    book = openpyxl.Workbook()
    put_text(book.active["A1"], text)
    output = io.BytesIO()
    book.save(output)
    cell = formula_free(output.getvalue()).active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_text_puts_an_apostrophe_before_every_formula_start(text):
    from party.xlsx import csv_text

    assert csv_text(text) == "'" + text
    assert csv_text("Nguyễn Văn An") == "Nguyễn Văn An"


def test_report_heading_keeps_hostile_unit_names_as_text(tree):
    from reports.export import write_report_workbook

    Unit.objects.filter(pk=tree["committee"].pk).update(name=HOSTILE[0])
    Unit.objects.filter(pk=tree["cell_a"].pk).update(name=HOSTILE[3])
    output = io.BytesIO()
    write_report_workbook(Unit.objects.get(pk=tree["cell_a"].pk), 2025, 2025, output)
    formula_free(output.getvalue())
