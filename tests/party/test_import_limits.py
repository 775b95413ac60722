"""Limits of the import: row count, stray far-right cells, one write per batch, the secretary's template."""

import io

import openpyxl
import pytest
from django.urls import reverse

from party.imports import base, confirm_batch
from party.models import ImportBatch, Member, Unit
from tests.conftest import make_unit
from tests.party.test_import import db_state, preview, real_workbook
from tests.party.xlsx_helpers import MEMBERS_SHEET, STAFF_SHEETS, member, unit, workbook_bytes


def test_a_sheet_over_the_row_limit_is_refused_whole(login, staff, tree, monkeypatch):
    monkeypatch.setattr(base, "MAX_ROWS", 3)
    rows = [member(f"Nguyễn Văn Thử {i}", "CBA", birth_date="01/01/1990") for i in range(4)]
    before = db_state()
    batch, html = preview(login(staff), workbook_bytes(None, rows))
    assert batch.status == ImportBatch.Status.FAILED
    assert "hơn 3 dòng dữ liệu" in html
    assert db_state() == before


def test_a_stray_cell_far_to_the_right_is_ignored(login, staff, tree):
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(None, [member("Nguyễn Văn Xa", "CBA")])))
    workbook[MEMBERS_SHEET]["XFD2"] = "lạc chỗ"
    output = io.BytesIO()
    workbook.save(output)
    batch, _ = preview(login(staff), output.getvalue())
    assert batch.status == ImportBatch.Status.PENDING, batch.summary


def test_a_second_confirm_from_a_stale_page_writes_nothing(login, staff, tree):
    client = login(staff)
    batch, _ = preview(client, real_workbook())
    stale = ImportBatch.objects.get(pk=batch.pk)  # what a second tab still believes: pending
    assert confirm_batch(batch=batch, user=staff).ok
    Member.objects.update(position="Sửa sau khi nhập")
    written = db_state()
    assert stale.status == ImportBatch.Status.PENDING
    assert confirm_batch(batch=stale, user=staff) is None
    assert db_state() == written


@pytest.mark.parametrize(
    ("persona", "sheets"),
    [
        ("staff", STAFF_SHEETS),
        ("secretary_a", ["Hướng dẫn", "Sinh hoạt chi bộ", "Kế hoạch", "Đăng ký"]),
    ],
)
def test_the_template_holds_only_the_sheets_the_user_may_upload(login, request, persona, sheets, tree):
    response = login(request.getfixturevalue(persona)).get(reverse("import_template"))
    assert response.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames == sheets


def test_reordering_one_unit_and_renaming_its_sibling_in_one_file_keeps_the_tree(login, admin_user, tree):
    committee = tree["committee"]
    for code, order in [("CBX1", 1), ("CBX2", 2), ("CBX3", 3)]:
        make_unit(code, committee, short_name=f"Chi bộ {code}", sort_order=order)
    rows = [
        unit("CBX3", "DB", "Chi bộ CBX3", sort_order=0),
        unit("CBX1", "DB", "Chi bộ CBX1 mới", sort_order=1),
    ]
    client = login(admin_user)
    batch, _ = preview(client, workbook_bytes(rows))
    assert client.post(reverse("import_confirm", args=[batch.pk])).status_code == 302
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    children = Unit.objects.get_children(Unit.objects.get(pk=committee.pk))
    codes = [u.code for u in children if u.code.startswith("CBX")]
    assert codes == ["CBX3", "CBX1", "CBX2"]
    assert Unit.objects.get(code="CBX1").short_name == "Chi bộ CBX1 mới"


def test_preview_counts_the_errors_it_does_not_list(login, staff, tree, monkeypatch):
    from party.imports import service

    monkeypatch.setattr(service, "MAX_SHOWN_ERRORS", 2)
    rows = [member(f"Nguyễn Văn Lỗi {i}", "KHONGCO") for i in range(5)]
    batch, html = preview(login(staff), workbook_bytes(None, rows))
    assert batch.summary["error_count"] == 5 and len(batch.summary["errors"]) == 2
    assert "và 3 lỗi nữa (chỉ hiện 2 lỗi đầu)" in html
