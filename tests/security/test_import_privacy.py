"""No import message reveals a person outside the uploader's reading scope.

An uploader types a party card number into a sheet. Found outside the people they may read, the
card must be answered exactly like a card that exists nowhere: the preview page and the stored
batch summary are compared, with the card number itself blanked out, for every sheet that takes
a card number, as a cell secretary and as staff of a sibling committee.

The tree:            TINH
                    /    \\
                 DB1      DB2
                /   \\       \\
             CBA    CBB      CBX
Toàn (card 74482799) belongs to CBB. secretary_a (CBA) and staff_x (DB2) may not read him.
"""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from party.models import ImportBatch, Member, RoleKind, UnitKind
from tests.conftest import log_in, make_member, make_unit, make_user

HIDDEN_CARD = "74482799"
MISSING_CARD = "99999999"
HIDDEN_NAME, HIDDEN_BORN = "Hoàng Đình Toàn", datetime.date(1967, 3, 24)

COLUMNS = {
    "Đảng viên": ["Họ và tên*", "Giới tính*", "Ngày sinh*", "Mã đơn vị*", "Đối tượng*", "Số thẻ đảng viên"],
    "Đăng ký": ["Năm*", "Mã đơn vị*", "Họ và tên*", "Ngày sinh*", "Số thẻ đảng viên", "Nội dung việc làm*"],
    "Khen thưởng": [
        "Họ và tên cá nhân được khen",
        "Ngày sinh",
        "Số thẻ đảng viên",
        "Mã đơn vị của cá nhân",
        "Hình thức*",
        "Cấp khen*",
        "Số quyết định*",
        "Ngày quyết định*",
        "Năm thành tích*",
        "Thành tích*",
    ],
}


def row(sheet: str, unit_code: str, card: str) -> list:
    """A row naming an invented person with the given card, in the uploader's own unit."""
    name, born = "Ai Đó", "01/01/1900"
    if sheet == "Đảng viên":
        return [name, "Nam", born, unit_code, "Đảng viên chính thức", card]
    if sheet == "Đăng ký":
        return [2025, unit_code, name, born, card, "Đi làm đúng giờ"]
    return [
        name,
        born,
        card,
        unit_code,
        "Giấy khen",
        "Đảng ủy cơ sở",
        "15-QĐ/ĐU",
        "15/01/2026",
        2025,
        "Gương mẫu",
    ]


def workbook(sheet: str, unit_code: str, card: str) -> bytes:
    book = Workbook()
    book.remove(book.active)
    page = book.create_sheet(sheet)
    page.append(COLUMNS[sheet])
    page.append(row(sheet, unit_code, card))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def preview(client, data: bytes) -> tuple[str, str]:
    """The preview page's main content and the stored summary, as text."""
    response = client.post(reverse("import_upload"), {"file": SimpleUploadedFile("nhap.xlsx", data)})
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    page = client.get(response.url).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    # The batch number and the form's CSRF token differ between two uploads; nothing else may.
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main.replace(f"/{batch.pk}/", "/N/"))
    return main, str(batch.summary)


@pytest.fixture
def world(db):
    province = make_unit("TINH", kind=UnitKind.PARTY_COMMITTEE, short_name="Tỉnh ủy")
    db1 = make_unit("DB1", province, kind=UnitKind.GRASSROOTS_COMMITTEE, short_name="Đảng bộ Sở")
    db2 = make_unit("DB2", province, kind=UnitKind.GRASSROOTS_COMMITTEE, short_name="Đảng bộ Ngành")
    cba, cbb = make_unit("CBA", db1), make_unit("CBB", db1, short_name="Chi bộ Bí mật")
    make_unit("CBX", db2)
    make_member(cba, "Nguyễn Văn An", party_card_number="1001")
    make_member(cbb, HIDDEN_NAME, birth_date=HIDDEN_BORN, party_card_number=HIDDEN_CARD)
    return {
        "secretary_a": (make_user("bithu_a", RoleKind.SECRETARY, cba), "CBA"),
        "staff_x": (make_user("canbo_x", RoleKind.STAFF, db2), "CBX"),
    }


CASES = [
    ("Đăng ký", "secretary_a"),
    ("Đăng ký", "staff_x"),
    ("Khen thưởng", "staff_x"),
    ("Đảng viên", "staff_x"),
]


@pytest.mark.parametrize(("sheet", "actor"), CASES)
def test_a_card_outside_scope_gets_the_message_of_a_card_that_exists_nowhere(client, world, sheet, actor):
    user, unit_code = world[actor]
    assert log_in(client, user.username)

    hidden_page, hidden_summary = preview(client, workbook(sheet, unit_code, HIDDEN_CARD))
    missing_page, missing_summary = preview(client, workbook(sheet, unit_code, MISSING_CARD))

    for text in (hidden_page, hidden_summary):
        for secret in (HIDDEN_NAME, "24/03/1967", "CBB", "Chi bộ Bí mật", "ngoài phạm vi"):
            assert secret not in text
    assert hidden_page.replace(HIDDEN_CARD, "#") == missing_page.replace(MISSING_CARD, "#")
    assert hidden_summary.replace(HIDDEN_CARD, "#") == missing_summary.replace(MISSING_CARD, "#")


def test_a_card_inside_scope_still_names_its_owner_when_the_name_differs(client, world):
    """The check that stops a typo from filing a deed under someone else stays for people the
    uploader may read."""
    user, _ = world["secretary_a"]
    assert log_in(client, user.username)
    page, _ = preview(client, workbook("Đăng ký", "CBA", "1001"))
    assert "Số thẻ “1001” là của Nguyễn Văn An (sinh 01/01/1985)" in page


def test_a_new_member_with_a_card_taken_outside_scope_writes_nothing(client, world):
    """The preview cannot tell a taken card from a free one; the write meets the uniqueness of card
    numbers and is refused whole, with a message that names nobody."""
    user, unit_code = world["staff_x"]
    assert log_in(client, user.username)
    response = client.post(
        reverse("import_upload"),
        {"file": SimpleUploadedFile("nhap.xlsx", workbook("Đảng viên", unit_code, HIDDEN_CARD))},
    )
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportBatch.Status.PENDING, response
    before = list(Member.objects.order_by("pk").values())
    page = client.post(reverse("import_confirm", args=[batch.pk]), follow=True).content.decode()
    assert list(Member.objects.order_by("pk").values()) == before
    assert "không dữ liệu nào của tệp được ghi" in page.lower()
    assert HIDDEN_NAME not in page and "CBB" not in page
