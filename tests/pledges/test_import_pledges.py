"""Plans and registrations loaded from Excel, through the import pages with real logins.

A committee loads past years from spreadsheets: the “Kế hoạch” and “Đăng ký” sheets go through
the same upload, preview and confirm pages as units and members, all or nothing.
"""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from party.models import ImportBatch, Member, Membership, RoleKind, Unit, UnitKind
from pledges.models import NotEvaluatedReason, Plan, PlanDeed, Pledge, PledgeDeed, PledgeStatus, RatingLevel
from tests.conftest import make_member, make_unit, make_user

PLANS_SHEET = "Kế hoạch"
PLEDGES_SHEET = "Đăng ký"
MEMBERS_SHEET = "Đảng viên"
PLAN_COLUMNS = [
    ("year", "Năm*"),
    ("unit_code", "Mã đơn vị*"),
    ("title", "Tên kế hoạch*"),
    ("document_number", "Số văn bản"),
    ("document_date", "Ngày ban hành"),
    ("content", "Nội dung việc làm*"),
    ("target", "Chỉ tiêu"),
    ("deadline", "Thời hạn"),
]
PLEDGE_COLUMNS = [
    ("year", "Năm*"),
    ("unit_code", "Mã đơn vị*"),
    ("full_name", "Họ và tên*"),
    ("birth_date", "Ngày sinh*"),
    ("party_card_number", "Số thẻ đảng viên"),
    ("commitment", "Nội dung cam kết"),
    ("content", "Nội dung việc làm*"),
    ("target", "Chỉ tiêu"),
    ("deadline", "Thời hạn"),
    ("done", "Đã thực hiện"),
    ("rating", "Xếp loại"),
    ("score", "Điểm"),
    ("comment", "Nhận xét"),
    ("not_evaluated_reason", "Lý do chưa đánh giá"),
]
MEMBER_COLUMNS = [
    ("full_name", "Họ và tên*"),
    ("gender", "Giới tính*"),
    ("birth_date", "Ngày sinh*"),
    ("unit_code", "Mã đơn vị*"),
    ("party_status", "Đối tượng*"),
    ("party_card_number", "Số thẻ đảng viên"),
]
BORN = datetime.date(1985, 1, 1)  # the birth date of the people in tests.conftest
EXCELLENT, GOOD, DONE, FAILED = (
    "Hoàn thành xuất sắc nhiệm vụ",
    "Hoàn thành tốt nhiệm vụ",
    "Hoàn thành nhiệm vụ",
    "Không hoàn thành nhiệm vụ",
)

# Building workbooks -------------------------------------------------------------


def plan_row(year, unit_code, content, **fields):
    row = {"year": year, "unit_code": unit_code, "title": f"Kế hoạch thực hiện Chỉ thị 05 năm {year}"}
    return {**row, "content": content, **fields}


def pledge_row(year, unit_code, full_name, content, **fields):
    row = {"year": year, "unit_code": unit_code, "full_name": full_name, "birth_date": BORN}
    return {**row, "content": content, **fields}


def workbook(plans=None, pledges=None, members=None, extra=None) -> bytes:
    """An .xlsx with the given sheets (rows are dicts keyed by field name)."""
    book = Workbook()
    book.remove(book.active)
    for title, columns, rows in (
        (MEMBERS_SHEET, MEMBER_COLUMNS, members),
        (PLANS_SHEET, PLAN_COLUMNS, plans),
        (PLEDGES_SHEET, PLEDGE_COLUMNS, pledges),
    ):
        if rows is None:
            continue
        sheet = book.create_sheet(title)
        sheet.append([header for _, header in columns])
        for row in rows:
            assert not set(row) - {name for name, _ in columns}, row
            sheet.append([row.get(name) for name, _ in columns])
    for title, rows in (extra or {}).items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


# Going through the pages ----------------------------------------------------------


def upload(client, data: bytes, name: str = "nhap.xlsx"):
    return client.post(reverse("import_upload"), {"file": SimpleUploadedFile(name, data)})


def preview(client, data: bytes) -> tuple[ImportBatch, str]:
    response = upload(client, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("pk")
    assert response.url == reverse("import_preview", args=[batch.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    return batch, page.content.decode()


def confirm(client, batch: ImportBatch) -> str:
    response = client.post(reverse("import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    return client.get(response.url).content.decode()


COUNTS = re.compile(
    r"Trang “(?P<title>[^”]+)”</h2>\s*<p>(?:Sẽ|Đã) thêm <strong>(?P<created>\d+)</strong>,\s*"
    r"(?:sẽ|đã) sửa <strong>(?P<updated>\d+)</strong>,\s*giữ nguyên <strong>(?P<unchanged>\d+)</strong>"
)


def sheet_counts(html: str) -> dict[str, tuple[int, int, int]]:
    return {
        m["title"]: (int(m["created"]), int(m["updated"]), int(m["unchanged"])) for m in COUNTS.finditer(html)
    }


def db_state() -> tuple:
    """Every row the pledge sheets write, and their history, to prove nothing was written."""
    models = (Plan, PlanDeed, Pledge, PledgeDeed, Member)
    state = [list(model.objects.order_by("pk").values()) for model in models]
    state += [model.history.count() for model in models if hasattr(model, "history")]
    return tuple(state)


def errors_of(batch) -> list[tuple]:
    return [(e["sheet"], e["row"], e["column"], e["message"]) for e in batch.summary["errors"]]


def assert_refused(client, data: bytes) -> tuple[list[tuple], str]:
    """The file is refused with errors, nothing is written, and no confirmation is offered."""
    before = db_state()
    batch, html = preview(client, data)
    assert batch.status == ImportBatch.Status.FAILED
    assert "chưa ghi dữ liệu nào" in html
    assert "Xác nhận ghi dữ liệu" not in html
    assert client.post(reverse("import_confirm", args=[batch.pk])).status_code == 302
    assert db_state() == before
    return errors_of(batch), html


def level(name: str, year: int) -> RatingLevel:
    return RatingLevel.objects.get(name=name, scale__effective_from__year=2025 if year >= 2025 else 2023)


@pytest.fixture
def members(people):
    """The people joined their cells long ago (history-true membership for every year)."""
    Membership.objects.update(started_on=datetime.date(2016, 1, 1))
    return people


# A good two-year workbook -----------------------------------------------------------


def good_plans() -> list[dict]:
    return [
        plan_row(
            2024,
            "CBA",
            "Số hóa hồ sơ đảng viên",
            document_number="05-KH/CB",
            document_date=datetime.date(2024, 1, 15),
            target="100% hồ sơ",
            deadline="30/06/2024",
        ),
        # Blank plan cells take the plan's values from its other rows; codes ignore case.
        plan_row(2024, "cba", "Sinh hoạt chuyên đề hằng quý", target="4 buổi"),
        plan_row(2025, "CBA", "Tiết kiệm điện, nước", document_number="07-KH/CB"),
        plan_row(2025, "CBA", "Cải cách hành chính", deadline=datetime.date(2025, 12, 31)),
        plan_row(2025, "CBA", "Giúp đỡ gia đình chính sách"),
        plan_row(2025, "DTN", "Ra quân tình nguyện hè", title="Kế hoạch của Đoàn Thanh niên năm 2025"),
    ]


def good_pledges() -> list[dict]:
    return [
        # 2024, Quy định 124: a rating by name, deeds done or not.
        pledge_row(
            2024,
            "CBA",
            "Nguyễn Văn An",
            "Đi làm đúng giờ",
            party_card_number="1001",
            commitment="Gương mẫu, nói đi đôi với làm",
            target="100% ngày làm việc",
            done="Có",
            rating=GOOD,
            comment="Tích cực",
        ),
        pledge_row(2024, "CBA", "Nguyễn Văn An", "Tiết kiệm giấy in", party_card_number="1001", done="Không"),
        pledge_row(2024, "CBA", "Trần Thị Bình", "Học một khóa tin học"),  # no card: name + birth + unit
        # 2025, Quy định 366: the score decides the level; a reason makes “chưa đánh giá”.
        pledge_row(
            2025, "CBA", "Nguyễn Văn An", "Hướng dẫn đảng viên mới", party_card_number="1001", score=92
        ),
        pledge_row(2025, "CBA", "trần thị bình", "Đọc sách về Bác", not_evaluated_reason="nghi om dai ngay"),
        pledge_row(
            2025,
            "CBB",
            "Lê Văn Cường",
            "Giúp đỡ hộ nghèo",
            party_card_number="2001",
            rating="hoàn thành nhiệm vụ",
        ),
        pledge_row(
            2025, "CBB", "Lê Văn Cường", "Không hút thuốc nơi làm việc", party_card_number=2001, score="60"
        ),
        pledge_row(2025, "CBB", "Phạm Thị Dung", "Trồng cây xanh", deadline="31/03/2025"),
        pledge_row(2025, "CBB", "Phạm Thị Dung", "Thu gom rác thải nhựa"),
        # A person the same workbook's members sheet creates.
        pledge_row(2025, "CBB", "Vũ Thị Hoa", "Tham gia hiến máu", birth_date="23/11/1992", score="75,5"),
    ]


def good_members() -> list[dict]:
    return [
        {
            "full_name": "Vũ Thị Hoa",
            "gender": "Nữ",
            "birth_date": "23/11/1992",
            "unit_code": "CBB",
            "party_status": "Người lao động",
        }
    ]


def good_workbook() -> bytes:
    return workbook(good_plans(), good_pledges(), good_members())


def test_two_years_of_plans_and_registrations_preview_then_write(login, staff, members):
    client = login(staff)
    before = db_state()
    batch, html = preview(client, good_workbook())
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    assert sheet_counts(html) == {MEMBERS_SHEET: (1, 0, 0), PLANS_SHEET: (3, 0, 0), PLEDGES_SHEET: (7, 0, 0)}
    assert "CBA — năm 2024: Kế hoạch thực hiện Chỉ thị 05 năm 2024 (2 việc làm)" in html
    assert "Nguyễn Văn An — năm 2024 (CBA): 2 việc làm" in html
    assert db_state() == before  # the preview writes nothing

    html = confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE, batch.summary["errors"]
    assert sheet_counts(html) == {MEMBERS_SHEET: (1, 0, 0), PLANS_SHEET: (3, 0, 0), PLEDGES_SHEET: (7, 0, 0)}

    cell_a, cell_b, youth = (Unit.objects.get(code=c) for c in ("CBA", "CBB", "DTN"))
    plan_2024 = Plan.objects.get(unit=cell_a, year=2024)
    assert (plan_2024.title, plan_2024.document_number, plan_2024.document_date) == (
        "Kế hoạch thực hiện Chỉ thị 05 năm 2024",
        "05-KH/CB",
        datetime.date(2024, 1, 15),
    )
    assert [(d.content, d.target, d.deadline, d.position) for d in plan_2024.deeds.all()] == [
        ("Số hóa hồ sơ đảng viên", "100% hồ sơ", datetime.date(2024, 6, 30), 1),
        ("Sinh hoạt chuyên đề hằng quý", "4 buổi", None, 2),
    ]
    assert Plan.objects.get(unit=cell_a, year=2025).deeds.count() == 3
    assert Plan.objects.get(unit=youth, year=2025).title == "Kế hoạch của Đoàn Thanh niên năm 2025"

    an, binh, cuong, dung = (members[k] for k in ("an", "binh", "cuong", "dung"))
    hoa = Member.objects.get(full_name="Vũ Thị Hoa")
    an_2024 = Pledge.objects.get(member=an, year=2024)
    assert (an_2024.unit, an_2024.status, an_2024.rating, an_2024.score) == (
        cell_a,
        PledgeStatus.EVALUATED,
        level(GOOD, 2024),
        None,
    )
    assert an_2024.commitment == "Gương mẫu, nói đi đôi với làm"
    assert an_2024.evaluation_comment == "Tích cực"
    assert an_2024.evaluated_at is not None
    assert [(d.content, d.target, d.done) for d in an_2024.deeds.all()] == [
        ("Đi làm đúng giờ", "100% ngày làm việc", True),
        ("Tiết kiệm giấy in", "", False),
    ]
    binh_2024 = Pledge.objects.get(member=binh, year=2024)
    assert (binh_2024.status, binh_2024.rating, binh_2024.evaluated_at) == (
        PledgeStatus.REGISTERED,
        None,
        None,
    )
    an_2025 = Pledge.objects.get(member=an, year=2025)
    assert (an_2025.status, an_2025.rating, an_2025.score) == (
        PledgeStatus.EVALUATED,
        level(EXCELLENT, 2025),  # derived from the score under Quy định 366
        Decimal("92"),
    )
    binh_2025 = Pledge.objects.get(member=binh, year=2025)
    assert (binh_2025.status, binh_2025.not_evaluated_reason, binh_2025.rating) == (
        PledgeStatus.NOT_EVALUATED,
        NotEvaluatedReason.SICK_LEAVE,
        None,
    )
    cuong_2025 = Pledge.objects.get(member=cuong, year=2025)
    assert (cuong_2025.unit, cuong_2025.rating, cuong_2025.score, cuong_2025.deeds.count()) == (
        cell_b,
        level(DONE, 2025),
        Decimal("60"),
        2,
    )
    assert Pledge.objects.get(member=dung, year=2025).deeds.first().deadline == datetime.date(2025, 3, 31)
    hoa_2025 = Pledge.objects.get(member=hoa, year=2025)
    assert (hoa_2025.unit, hoa_2025.score, hoa_2025.rating) == (cell_b, Decimal("75.5"), level(GOOD, 2025))

    # Every record has its history entry, by the person who confirmed.
    assert Plan.history.filter(history_type="+").count() == 3
    assert PlanDeed.history.filter(history_type="+").count() == 6
    assert Pledge.history.filter(history_type="+").count() == 7
    assert PledgeDeed.history.filter(history_type="+").count() == 10
    for model in (Plan, PlanDeed, Pledge, PledgeDeed):
        assert set(model.history.values_list("history_user", flat=True)) == {staff.pk}
        assert set(model.history.values_list("history_change_reason", flat=True)) == {"Nhập từ Excel"}


def test_reimporting_the_same_workbook_changes_nothing(login, staff, members):
    client = login(staff)
    batch, _ = preview(client, good_workbook())
    confirm(client, batch)
    after_first = db_state()

    batch, html = preview(client, good_workbook())
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    assert sheet_counts(html) == {MEMBERS_SHEET: (0, 0, 1), PLANS_SHEET: (0, 0, 3), PLEDGES_SHEET: (0, 0, 7)}
    confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE
    assert db_state() == after_first


def test_a_changed_deed_list_replaces_the_stored_one_and_the_preview_says_how(login, staff, members):
    client = login(staff)
    batch, _ = preview(client, good_workbook())
    confirm(client, batch)
    an = members["an"]
    kept = PledgeDeed.objects.get(pledge__member=an, pledge__year=2024, content="Đi làm đúng giờ")
    dropped = PledgeDeed.objects.get(pledge__member=an, pledge__year=2024, content="Tiết kiệm giấy in")
    version = Pledge.objects.get(member=an, year=2024).version

    plans = good_plans()
    plans[0]["target"] = "95% hồ sơ"
    plans[1]["title"] = plans[0]["title"] = "Kế hoạch số 05"
    rows = [r for r in good_pledges() if r["content"] != "Tiết kiệm giấy in"]
    rows[0]["target"] = "Cả năm"
    rows.insert(1, pledge_row(2024, "CBA", "Nguyễn Văn An", "Đọc báo Nhân Dân", party_card_number="1001"))
    batch, html = preview(client, workbook(plans, rows, good_members()))
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    assert sheet_counts(html) == {MEMBERS_SHEET: (0, 0, 1), PLANS_SHEET: (0, 1, 2), PLEDGES_SHEET: (0, 1, 6)}
    assert "Tên kế hoạch: “Kế hoạch thực hiện Chỉ thị 05 năm 2024” → “Kế hoạch số 05”" in html
    assert "Việc làm “Số hóa hồ sơ đảng viên”: Chỉ tiêu “100% hồ sơ” → “95% hồ sơ”" in html
    assert "Việc làm “Đi làm đúng giờ”: Chỉ tiêu “100% ngày làm việc” → “Cả năm”" in html
    assert "Thêm việc làm: “Đọc báo Nhân Dân”" in html
    assert "Bỏ việc làm: “Tiết kiệm giấy in”" in html

    confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE
    pledge = Pledge.objects.get(member=an, year=2024)
    assert pledge.version == version + 1
    assert [(d.pk, d.content, d.target) for d in pledge.deeds.all()] == [
        (kept.pk, "Đi làm đúng giờ", "Cả năm"),  # the same deed, edited: its history goes on
        (pledge.deeds.get(content="Đọc báo Nhân Dân").pk, "Đọc báo Nhân Dân", ""),
    ]
    assert not PledgeDeed.objects.filter(pk=dropped.pk).exists()
    assert PledgeDeed.history.filter(id=dropped.pk, history_type="-", history_user=staff).exists()
    assert PledgeDeed.history.filter(id=kept.pk, history_type="~", target="Cả năm").exists()
    assert Plan.objects.get(unit__code="CBA", year=2024).title == "Kế hoạch số 05"
    assert Pledge.history.filter(id=pledge.pk, history_type="~", history_user=staff).count() == 1
    # The stored deed counts follow the bulk writes (reports count deeds from them).
    assert pledge.deed_count == 2
    assert not Pledge.objects.with_drifted_deed_counts().exists()
    assert not Plan.objects.with_drifted_deed_counts().exists()


def test_order_of_stored_deeds_entered_in_the_browser_is_not_a_change(login, staff, members):
    """Deeds saved from the registration page all keep position 1: the same list is unchanged."""
    pledge = Pledge.objects.create(member=members["an"], unit=members["an"].unit, year=2025)
    for content in ("Việc thứ nhất", "Việc thứ hai\nviết trên hai dòng"):
        PledgeDeed.objects.create(pledge=pledge, content=content)
    rows = [
        pledge_row(2025, "CBA", "Nguyễn Văn An", "Việc thứ nhất", party_card_number="1001"),
        pledge_row(2025, "CBA", "Nguyễn Văn An", "Việc thứ hai viết trên hai dòng", party_card_number="1001"),
    ]
    batch, html = preview(login(staff), workbook(pledges=rows))
    assert sheet_counts(html) == {PLEDGES_SHEET: (0, 0, 1)}, batch.summary["sheets"][0]["rows"]


# Bad rows: errors name sheet, row and column; nothing is written ---------------------------


@pytest.mark.parametrize(
    ("rows", "row", "column", "message"),
    [
        pytest.param(
            [pledge_row(2025, "CBA", "Hoàng Văn Vắng", "Đi làm đúng giờ")],
            2,
            "C “Họ và tên*”",
            "Không tìm thấy Hoàng Văn Vắng (sinh 01/01/1985) ở đơn vị “CBA”.",
            id="unknown-person",
        ),
        pytest.param(
            [pledge_row(2025, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ", party_card_number="7777")],
            2,
            "E “Số thẻ đảng viên”",
            "Không tìm thấy người có số thẻ đảng viên “7777”.",
            id="unknown-card",
        ),
        pytest.param(
            [pledge_row(2025, "CBA", "Trần Thị Bình", "Đi làm đúng giờ", party_card_number="2001")],
            2,
            "E “Số thẻ đảng viên”",
            "Số thẻ “2001” là của Lê Văn Cường",
            id="card-of-someone-else",
        ),
        pytest.param(
            [pledge_row(2024, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ", rating="Xuất sắc")],
            2,
            "K “Xếp loại”",
            "“Xuất sắc” không phải mức xếp loại của Quy định 124-QĐ/TW (áp dụng năm 2024); chọn một trong: "
            "“Hoàn thành xuất sắc nhiệm vụ”, “Hoàn thành tốt nhiệm vụ”",
            id="unknown-rating-name",
        ),
        pytest.param(
            [pledge_row(2017, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ", rating=GOOD)],
            2,
            "K “Xếp loại”",
            "Chưa có quy định xếp loại nào áp dụng cho năm 2017",
            id="no-rule-that-year",
        ),
        pytest.param(
            [
                pledge_row(2025, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ"),
                pledge_row(2025, "CBA", "Nguyễn Văn An", "Tiết kiệm điện", score=150),
            ],
            3,
            "L “Điểm”",
            "Điểm phải từ 0 đến 100.",
            id="score-150",
        ),
        pytest.param(
            [pledge_row(2025, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ", score=95, rating=GOOD)],
            2,
            "K “Xếp loại”",
            "Xếp loại “Hoàn thành tốt nhiệm vụ” khác mức theo điểm: điểm 95 là "
            "“Hoàn thành xuất sắc nhiệm vụ” theo Quy định 366-QĐ/TW.",
            id="rating-differs-from-score",
        ),
        pytest.param(
            [pledge_row(2024, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ", score=95)],
            2,
            "L “Điểm”",
            "Năm 2024 xếp loại theo Quy định 124-QĐ/TW, không suy ra từ điểm: hãy ghi Xếp loại.",
            id="score-without-rating-before-366",
        ),
        pytest.param(
            [
                pledge_row(
                    2025,
                    "CBA",
                    "Nguyễn Văn An",
                    "Đi làm đúng giờ",
                    rating=GOOD,
                    not_evaluated_reason="Lý do khác",
                )
            ],
            2,
            "N “Lý do chưa đánh giá”",
            "Đã ghi lý do chưa đánh giá thì để trống Xếp loại và Điểm",
            id="reason-and-rating",
        ),
        pytest.param(
            [pledge_row(2025, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ", not_evaluated_reason="Đi vắng")],
            2,
            "N “Lý do chưa đánh giá”",
            "Giá trị “Đi vắng” không hợp lệ; chọn một trong: “Miễn sinh hoạt đảng”",
            id="unknown-reason",
        ),
        pytest.param(
            [pledge_row(2025, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ", done="Chắc có")],
            2,
            "J “Đã thực hiện”",
            "Ghi “Có”, “Không” hoặc để trống.",
            id="bad-done",
        ),
        pytest.param(
            [
                pledge_row(2025, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ", commitment="Cam kết một"),
                pledge_row(2025, "CBA", "Nguyễn Văn An", "Tiết kiệm điện", commitment="Cam kết hai"),
            ],
            3,
            "F “Nội dung cam kết”",
            "Khác với dòng 2 của cùng bản đăng ký (Nguyễn Văn An, năm 2025): “Cam kết một” và “Cam kết hai”.",
            id="inconsistent-pledge-fields",
        ),
        pytest.param(
            [
                pledge_row(2025, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ"),
                pledge_row(2025, "CBA", "Nguyễn Văn An", "đi làm  đúng giờ"),
            ],
            3,
            "G “Nội dung việc làm*”",
            "Việc làm trùng với dòng 2 của cùng bản đăng ký",
            id="same-deed-twice",
        ),
        pytest.param(
            [pledge_row(2025, "CBA", "Nguyễn Văn An", None, target="3 buổi")],
            2,
            "G “Nội dung việc làm*”",
            "Trường này là bắt buộc.",
            id="missing-deed-content",
        ),
        pytest.param(
            [pledge_row(2031, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ")],
            2,
            "A “Năm*”",
            "Năm phải từ 2016 đến",
            id="year-out-of-range",
        ),
        pytest.param(
            [pledge_row(2025, "CBX", "Nguyễn Văn An", "Đi làm đúng giờ")],
            2,
            "B “Mã đơn vị*”",
            "Không tìm thấy đơn vị mã “CBX” trong phạm vi quản lý.",
            id="unit-outside-scope",
        ),
    ],
)
def test_bad_registration_rows_are_named_and_nothing_is_written(
    login, staff, members, rows, row, column, message
):
    make_unit("CBX", make_unit("DBX", kind=UnitKind.GRASSROOTS_COMMITTEE), short_name="Chi bộ khác")
    good = pledge_row(2025, "CBB", "Lê Văn Cường", "Giúp đỡ hộ nghèo", party_card_number="2001")
    errors, html = assert_refused(login(staff), workbook(pledges=[*rows, good]))
    assert [(sheet, number, col) for sheet, number, col, _ in errors] == [(PLEDGES_SHEET, row, column)], (
        errors
    )
    assert message in errors[0][3]
    assert "Trang “Đăng ký”" in html


@pytest.mark.parametrize(
    ("rows", "row", "column", "message"),
    [
        pytest.param(
            [
                plan_row(2025, "CBA", "Tiết kiệm điện"),
                plan_row(2025, "CBA", "Cải cách hành chính", title="Kế hoạch khác"),
            ],
            3,
            "C “Tên kế hoạch*”",
            "Khác với dòng 2 của cùng kế hoạch (năm 2025, đơn vị CBA): "
            "“Kế hoạch thực hiện Chỉ thị 05 năm 2025” và “Kế hoạch khác”.",
            id="inconsistent-title",
        ),
        pytest.param(
            [
                plan_row(2025, "CBA", "Tiết kiệm điện", document_number="01-KH"),
                plan_row(2025, "CBA", "Cải cách hành chính"),
                plan_row(2025, "CBA", "Giúp đỡ hộ nghèo", document_number="02-KH"),
            ],
            4,
            "D “Số văn bản”",
            "Khác với dòng 2 của cùng kế hoạch",
            id="inconsistent-number",
        ),
        pytest.param(
            [plan_row(2025, "CBA", None, target="4 buổi")],
            2,
            "F “Nội dung việc làm*”",
            "Trường này là bắt buộc.",
            id="missing-deed-content",
        ),
        pytest.param(
            [plan_row(2025, "CBA", "Tiết kiệm điện", document_date="31/02/2025")],
            2,
            "E “Ngày ban hành”",
            "Nhập một ngày hợp lệ.",
            id="bad-date",
        ),
        pytest.param(
            [plan_row(2025, "CBX", "Tiết kiệm điện")],
            2,
            "B “Mã đơn vị*”",
            "Không tìm thấy đơn vị mã “CBX” trong phạm vi quản lý.",
            id="unit-outside-scope",
        ),
    ],
)
def test_bad_plan_rows_are_named_and_nothing_is_written(login, staff, members, rows, row, column, message):
    make_unit("CBX", make_unit("DBX", kind=UnitKind.GRASSROOTS_COMMITTEE), short_name="Chi bộ khác")
    good_registration = pledge_row(2025, "CBB", "Lê Văn Cường", "Giúp đỡ hộ nghèo", party_card_number="2001")
    errors, _ = assert_refused(login(staff), workbook(rows, [good_registration]))
    assert [(sheet, number, col) for sheet, number, col, _ in errors] == [(PLANS_SHEET, row, column)], errors
    assert message in errors[0][3]


def test_every_bad_row_is_listed_at_once(login, staff, members):
    rows = [
        pledge_row(2025, "CBA", "Hoàng Văn Vắng", "Đi làm đúng giờ"),
        pledge_row(2025, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ", score=150),
        pledge_row(2024, "CBA", "Trần Thị Bình", "Đi làm đúng giờ", rating="Tốt"),
    ]
    plans = [plan_row(2025, "CBA", "Tiết kiệm điện"), plan_row(2025, "CBA", "Khác", title="Tên khác")]
    errors, _ = assert_refused(login(staff), workbook(plans, rows))
    assert [(sheet, row, column[:1]) for sheet, row, column, _ in errors] == [
        (PLANS_SHEET, 3, "C"),
        (PLEDGES_SHEET, 2, "C"),
        (PLEDGES_SHEET, 3, "L"),
        (PLEDGES_SHEET, 4, "K"),
    ]


def test_missing_required_column_is_named(login, staff, members):
    book = workbook(extra={PLEDGES_SHEET: [["Năm*", "Mã đơn vị*", "Họ và tên*", "Ngày sinh*"], [2025]]})
    errors, _ = assert_refused(login(staff), book)
    assert errors == [(PLEDGES_SHEET, 1, None, "Thiếu cột bắt buộc “Nội dung việc làm*”.")]


def test_a_bad_row_in_another_sheet_stops_the_registrations_too(login, staff, members):
    new_person = {**good_members()[0], "gender": "Không rõ"}
    errors, _ = assert_refused(login(staff), workbook(good_plans(), good_pledges(), [new_person]))
    sheets = {sheet for sheet, *_ in errors}
    assert sheets == {MEMBERS_SHEET, PLEDGES_SHEET}  # and Hoa is not found, since she is not created
    assert not Plan.objects.exists()


def test_confirm_rechecks_and_writes_nothing_if_the_data_changed(login, staff, members):
    client = login(staff)
    batch, _ = preview(client, workbook(pledges=good_pledges()[:2]))
    assert batch.status == ImportBatch.Status.PENDING
    members["an"].party_card_number = "1002"
    members["an"].save()
    before = db_state()
    html = confirm(client, batch)
    assert batch.status == ImportBatch.Status.FAILED
    assert "Không tìm thấy người có số thẻ đảng viên “1001”." in html
    assert db_state() == before


# Who may load what ---------------------------------------------------------------------


def test_secretary_loads_her_own_cell(login, secretary_a, members):
    client = login(secretary_a)
    rows = [r for r in good_pledges() if r["unit_code"] == "CBA"]
    plans = [r for r in good_plans() if r["unit_code"].upper() == "CBA"]
    batch, html = preview(client, workbook(plans, rows))
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    assert sheet_counts(html) == {PLANS_SHEET: (2, 0, 0), PLEDGES_SHEET: (4, 0, 0)}
    confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE
    assert Pledge.objects.filter(unit__code="CBA").count() == 4
    assert set(Pledge.history.values_list("history_user", flat=True)) == {secretary_a.pk}


def test_secretary_cannot_load_another_cell(login, secretary_a, members):
    rows = [pledge_row(2025, "CBB", "Lê Văn Cường", "Giúp đỡ hộ nghèo", party_card_number="2001")]
    plans = [plan_row(2025, "DTN", "Ra quân tình nguyện hè")]
    errors, _ = assert_refused(login(secretary_a), workbook(plans, rows))
    assert errors == [
        (PLANS_SHEET, 2, "B “Mã đơn vị*”", "Không tìm thấy đơn vị mã “DTN” trong phạm vi quản lý."),
        (PLEDGES_SHEET, 2, "B “Mã đơn vị*”", "Không tìm thấy đơn vị mã “CBB” trong phạm vi quản lý."),
    ]


def test_secretary_cannot_file_a_stranger_under_her_cell(login, secretary_a, members):
    """A card of a person outside her scope who never belonged to her cell is not found."""
    rows = [pledge_row(2025, "CBA", "Lê Văn Cường", "Giúp đỡ hộ nghèo", party_card_number="2001")]
    errors, _ = assert_refused(login(secretary_a), workbook(pledges=rows))
    assert errors == [
        (PLEDGES_SHEET, 2, "E “Số thẻ đảng viên”", "Không tìm thấy người có số thẻ đảng viên “2001”.")
    ]


def test_a_transferred_person_keeps_the_registration_of_the_old_cell(login, secretary_a, members):
    """Cường was in cell A in 2024 and moved to cell B: A's secretary may still load his 2024 pledge."""
    cuong = members["cuong"]
    Membership.objects.filter(member=cuong).update(unit=Unit.objects.get(code="CBA"), ended_on="2024-12-31")
    Membership.objects.create(member=cuong, unit=cuong.unit, started_on="2025-01-01")
    rows = [
        pledge_row(2024, "CBA", "Lê Văn Cường", "Giúp đỡ hộ nghèo", party_card_number="2001", rating=GOOD)
    ]
    client = login(secretary_a)
    batch, _ = preview(client, workbook(pledges=rows))
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    confirm(client, batch)
    pledge = Pledge.objects.get(member=cuong, year=2024)
    assert pledge.unit.code == "CBA"
    assert cuong.unit.code == "CBB"


def test_a_plan_for_the_year_its_unit_was_dissolved_on_1_january_is_refused(login, staff, members):
    """The unit did no work that year and owes no plan (party.models.units.active_in_year)."""
    Unit.objects.filter(code="CBB").update(dissolved_on=datetime.date(2025, 1, 1))
    client = login(staff)
    errors, _ = assert_refused(client, workbook(plans=[plan_row(2025, "CBB", "Tiết kiệm điện")]))
    assert errors == [
        (
            "Kế hoạch",
            2,
            "A “Năm*”",
            "Đơn vị “CBB” đã giải thể ngày 01/01/2025: từ ngày đó đơn vị không còn hoạt động.",
        )
    ]
    batch, _ = preview(client, workbook(plans=[plan_row(2024, "CBB", "Tiết kiệm điện")]))
    confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE, batch.summary["errors"]
    assert Plan.objects.filter(unit__code="CBB", year=2024).exists()


def test_secretary_uploading_a_units_sheet_gets_a_clear_error(login, secretary_a, members):
    data = workbook(
        pledges=[pledge_row(2025, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ", party_card_number="1001")],
        extra={"Đơn vị": [["Mã đơn vị*", "Mã đơn vị cấp trên", "Tên viết tắt*", "Tên đầy đủ*", "Loại*"]]},
    )
    errors, html = assert_refused(login(secretary_a), data)
    assert errors == [
        (
            "Đơn vị",
            None,
            None,
            "Chỉ cán bộ đảng ủy được nhập trang “Đơn vị”. Bí thư chi bộ chỉ nhập các trang "
            "“Sinh hoạt chi bộ”, “Kế hoạch” và “Đăng ký” cho đơn vị của mình: "
            "hãy xóa trang “Đơn vị” khỏi tệp rồi tải lên lại.",
        )
    ]
    assert "Chỉ cán bộ đảng ủy được nhập trang “Đơn vị”" in html


def test_secretary_uploading_a_members_sheet_gets_a_clear_error(login, secretary_a, members):
    errors, _ = assert_refused(login(secretary_a), workbook(members=good_members()))
    assert [(sheet, row) for sheet, row, *_ in errors] == [(MEMBERS_SHEET, None)]
    assert "Chỉ cán bộ đảng ủy được nhập trang “Đảng viên”" in errors[0][3]


@pytest.mark.parametrize("persona", ["viewer", "outsider"])
def test_viewers_and_outsiders_still_cannot_import(login, persona, request, members):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("import_upload")).status_code == 403
    assert upload(client, good_workbook()).status_code == 403
    assert not ImportBatch.objects.exists()


def test_evaluated_registration_is_locked_for_the_secretary_but_not_for_staff(
    login, secretary_a, staff, members
):
    an = members["an"]
    pledge = Pledge.objects.create(
        member=an, unit=an.unit, year=2025, status=PledgeStatus.EVALUATED, rating=level(GOOD, 2025)
    )
    PledgeDeed.objects.create(pledge=pledge, content="Đi làm đúng giờ")
    same = [
        pledge_row(2025, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ", party_card_number="1001", rating=GOOD)
    ]
    changed = [{**same[0], "rating": EXCELLENT}]

    client = login(secretary_a)
    batch, html = preview(client, workbook(pledges=same))  # unchanged: fine
    assert sheet_counts(html) == {PLEDGES_SHEET: (0, 0, 1)}
    errors, _ = assert_refused(client, workbook(pledges=changed))
    assert errors == [
        (
            PLEDGES_SHEET,
            2,
            None,
            "Bản đăng ký năm 2025 của Nguyễn Văn An đã có kết quả cuối năm (“Đã đánh giá”) nên bí thư chi bộ "
            "không sửa được; cần cán bộ đảng ủy mở lại bản đăng ký.",
        )
    ]
    client.logout()

    client = login(staff)
    batch, html = preview(client, workbook(pledges=changed))
    assert "Xếp loại: “Hoàn thành tốt nhiệm vụ” → “Hoàn thành xuất sắc nhiệm vụ”" in html
    confirm(client, batch)
    pledge.refresh_from_db()
    assert pledge.rating == level(EXCELLENT, 2025)


def test_a_rating_the_cell_justified_in_the_app_reimports_unchanged(login, staff, members):
    """Under 366 the app lets a cell rate off the score with a reason; the file keeps that rating."""
    an = members["an"]
    pledge = Pledge.objects.create(
        member=an,
        unit=an.unit,
        year=2025,
        status=PledgeStatus.EVALUATED,
        rating=level(GOOD, 2025),
        score=Decimal("95"),
        rating_reason="Có khuyết điểm trong năm",
    )
    PledgeDeed.objects.create(pledge=pledge, content="Đi làm đúng giờ")
    rows = [
        pledge_row(
            2025, "CBA", "Nguyễn Văn An", "Đi làm đúng giờ", party_card_number=1001, rating=GOOD, score=95
        )
    ]
    batch, html = preview(login(staff), workbook(pledges=rows))
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    assert sheet_counts(html) == {PLEDGES_SHEET: (0, 0, 1)}


def test_staff_of_another_committee_cannot_touch_these_registrations(login, members):
    other = make_unit("DBX", kind=UnitKind.GRASSROOTS_COMMITTEE)
    make_unit("CBX", other)
    outsider_staff = make_user("canbo_khac", RoleKind.STAFF, other)
    rows = [pledge_row(2025, "CBX", "Nguyễn Văn An", "Đi làm đúng giờ", party_card_number="1001")]
    errors, _ = assert_refused(login(outsider_staff), workbook(pledges=rows))
    assert errors[0][:3] == (PLEDGES_SHEET, 2, "E “Số thẻ đảng viên”")


# Volume ------------------------------------------------------------------------------


def many_pledges(count: int) -> bytes:
    cell = Unit.objects.get(code="CBA")
    rows = []
    for i in range(count):
        name = f"Nguyễn Văn Số{i}"
        if not Member.objects.filter(full_name=name).exists():
            make_member(cell, name, party_card_number=f"5{i:05d}")
        rows += [
            pledge_row(2025, "CBA", name, f"Việc {j}", party_card_number=f"5{i:05d}", score=80)
            for j in range(3)
        ]
    return workbook(pledges=rows)


def test_preview_queries_do_not_grow_with_the_rows(login, staff, tree):
    client = login(staff)
    small, large = many_pledges(3), many_pledges(60)
    with CaptureQueriesContext(connection) as few:
        upload(client, small)
    with CaptureQueriesContext(connection) as many:
        upload(client, large)
    assert len(many) == len(few)


def test_a_few_hundred_registrations_write_in_bulk(login, staff, tree):
    client = login(staff)
    batch, html = preview(client, many_pledges(100))
    assert sheet_counts(html) == {PLEDGES_SHEET: (100, 0, 0)}
    with CaptureQueriesContext(connection) as queries:
        confirm(client, batch)
    assert len(queries) < 80
    assert PledgeDeed.objects.count() == 300
    assert PledgeDeed.history.count() == 300
