"""Awards and good practices of past years loaded from Excel, through the import pages with real
logins: upload, preview, confirm, then the rows read back. A file with any bad row writes nothing.
"""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from party.models import ImportBatch, Member, Membership, RoleKind, Unit, UnitKind
from pledges.models import Award, AwardForm, AwardIssuer, GoodPractice, PracticeKind, Programme
from tests.conftest import make_member, make_unit, make_user
from tests.party.test_import_work import confirm, errors_of, load, preview, sheet_counts, upload

AWARDS = "Khen thưởng"
PRACTICES = "Mô hình, gương điển hình"
MEMBERS = "Đảng viên"
COLUMNS: dict[str, list[tuple[str, str]]] = {
    AWARDS: [
        ("recipient_unit_code", "Mã tập thể được khen"),
        ("full_name", "Họ và tên cá nhân được khen"),
        ("birth_date", "Ngày sinh"),
        ("party_card_number", "Số thẻ đảng viên"),
        ("unit_code", "Mã đơn vị của cá nhân"),
        ("form", "Hình thức*"),
        ("issuer", "Cấp khen*"),
        ("decision_number", "Số quyết định*"),
        ("decision_date", "Ngày quyết định*"),
        ("year", "Năm thành tích*"),
        ("programme", "Chương trình"),
        ("achievement", "Thành tích*"),
    ],
    PRACTICES: [
        ("unit_code", "Mã đơn vị*"),
        ("kind", "Loại*"),
        ("year", "Năm*"),
        ("title", "Tên mô hình, cách làm, gương*"),
        ("description", "Mô tả, kết quả"),
        ("replicated_to", "Đơn vị đã nhân rộng"),
    ],
    MEMBERS: [
        ("full_name", "Họ và tên*"),
        ("gender", "Giới tính*"),
        ("birth_date", "Ngày sinh*"),
        ("unit_code", "Mã đơn vị*"),
        ("party_status", "Đối tượng*"),
        ("party_card_number", "Số thẻ đảng viên"),
    ],
}
BORN = "01/01/1985"  # the birth date of the people in tests.conftest


def workbook(sheets: dict[str, list[dict]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        names = [name for name, _ in COLUMNS[title]]
        sheet.append([header for _, header in COLUMNS[title]])
        for row in rows:
            assert not set(row) - set(names), row
            sheet.append([row.get(name) for name in names])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def db_state() -> tuple:
    """Every row these sheets write (deleted ones too) and their history, to prove nothing was written."""
    state = [list(model._base_manager.order_by("pk").values()) for model in (Award, GoodPractice, Member)]
    state.append(list(GoodPractice.replicated_to.through.objects.order_by("pk").values()))
    state += [Award.history.count(), GoodPractice.history.count()]
    return tuple(state)


def assert_refused(client, data: bytes) -> list[tuple]:
    before = db_state()
    batch, html = preview(client, data)
    assert batch.status == ImportBatch.Status.FAILED
    assert "chưa ghi dữ liệu nào" in html
    client.post(reverse("import_confirm", args=[batch.pk]))
    assert db_state() == before
    return errors_of(batch)


def collective(code="CBA", **fields):
    row = {"recipient_unit_code": code, "form": "Giấy khen", "issuer": "Đảng ủy cơ sở"}
    row |= {"decision_number": "15-QĐ/ĐU", "decision_date": "15/01/2026", "year": 2025}
    return {**row, "achievement": "Hoàn thành xuất sắc kế hoạch thực hiện Chỉ thị 05", **fields}


def individual(full_name, unit_code, card=None, **fields):
    person = {"full_name": full_name, "birth_date": BORN, "party_card_number": card, "unit_code": unit_code}
    return {**collective(None), **person, "achievement": "Gương mẫu trong học tập và làm theo Bác", **fields}


def practice(code="CBA", title="Mô hình “Mỗi tuần một việc tốt”", **fields):
    return {"unit_code": code, "kind": "Mô hình", "year": 2025, "title": title, **fields}


def good_sheets() -> dict[str, list[dict]]:
    return {
        MEMBERS: [
            {
                "full_name": "Vũ Thị Hoa",
                "gender": "Nữ",
                "birth_date": "23/11/1992",
                "unit_code": "CBB",
                "party_status": "Người lao động",
            }
        ],
        AWARDS: [
            collective(programme="KL01"),
            collective("DB", form="Bằng khen", issuer="chu tich ubnd tinh", decision_number="120/QĐ-UBND"),
            individual("Nguyễn Văn An", "CBA", "1001"),  # by card
            individual("trần thị bình", "cba"),  # by name + birth date + unit, forgiving case
            individual(
                "Phạm Thị Dung", "CBB", form="Tuyên dương", issuer="Chi bộ", decision_number="02-QĐ/CB"
            ),
            # Before the district level was retired on 01/07/2025.
            individual(
                "Lê Văn Cường",
                "CBB",
                "2001",
                issuer="Ban Thường vụ Huyện ủy",
                decision_date="30/06/2025",
                year=2024,
                decision_number="88-QĐ/HU",
            ),
            individual("Vũ Thị Hoa", "CBB", birth_date="23/11/1992"),  # created by the members sheet
        ],
        PRACTICES: [
            practice(description="Mỗi đảng viên một việc tốt mỗi tuần.", replicated_to="CBB; dtn"),
            practice("DB", "Gương Nguyễn Văn An", kind="Gương điển hình", year=2024),
        ],
    }


def test_awards_and_practices_preview_then_write(login, staff, people):
    client = login(staff)
    before = db_state()
    batch, html = preview(client, workbook(good_sheets()))
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    assert sheet_counts(html) == {MEMBERS: (1, 0, 0), AWARDS: (7, 0, 0), PRACTICES: (2, 0, 0)}
    assert "Tập thể CBA — Giấy khen, Đảng ủy cơ sở, năm 2025 (quyết định 15-QĐ/ĐU)" in html
    assert "Nguyễn Văn An — Giấy khen, Đảng ủy cơ sở, năm 2025" in html
    assert db_state() == before

    html = confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE, batch.summary["errors"]
    cell_a, cell_b, committee = (Unit.objects.get(code=c) for c in ("CBA", "CBB", "DB"))
    unit_award = Award.objects.get(recipient_unit=cell_a)
    assert (unit_award.unit, unit_award.recipient_member, unit_award.was_party_member) == (cell_a, None, None)
    assert (unit_award.form.name, unit_award.issuer.name, unit_award.year) == (
        "Giấy khen",
        "Đảng ủy cơ sở",
        2025,
    )
    assert (unit_award.decision_number, unit_award.decision_date, unit_award.programme) == (
        "15-QĐ/ĐU",
        datetime.date(2026, 1, 15),
        Programme.CONCLUSION_01,
    )
    province = Award.objects.get(recipient_unit=committee)
    assert (province.form.name, province.issuer.name, province.programme) == (
        "Bằng khen",
        "Chủ tịch UBND tỉnh",
        Programme.DIRECTIVE_05,
    )
    an = Award.objects.get(recipient_member=people["an"])
    assert (an.unit, an.recipient_unit, an.was_party_member) == (cell_a, None, True)
    assert an.search_text.startswith("nguyen van an 15-qd/du")
    assert Award.objects.get(recipient_member=people["binh"]).unit == cell_a
    dung = Award.objects.get(recipient_member=people["dung"])
    assert (dung.unit, dung.was_party_member, dung.form.name) == (cell_b, False, "Tuyên dương")
    cuong = Award.objects.get(recipient_member=people["cuong"])
    assert (cuong.issuer.name, cuong.year) == ("Ban Thường vụ Huyện ủy", 2024)
    hoa = Award.objects.get(recipient_member__full_name="Vũ Thị Hoa")
    assert (hoa.unit, hoa.was_party_member) == (cell_b, False)
    assert Award.objects.count() == 7

    model = GoodPractice.objects.get(unit=cell_a)
    assert (model.kind, model.year, model.title, model.description) == (
        PracticeKind.MODEL,
        2025,
        "Mô hình “Mỗi tuần một việc tốt”",
        "Mỗi đảng viên một việc tốt mỗi tuần.",
    )
    assert {u.code for u in model.replicated_to.all()} == {"CBB", "DTN"}
    exemplar = GoodPractice.objects.get(unit=committee)
    assert (exemplar.kind, exemplar.year, list(exemplar.replicated_to.all())) == (
        PracticeKind.EXEMPLAR,
        2024,
        [],
    )
    assert model.search_text.startswith("mo hinh")

    for model_class in (Award, GoodPractice):
        assert set(model_class.history.values_list("history_user", flat=True)) == {staff.pk}
        assert set(model_class.history.values_list("history_change_reason", flat=True)) == {"Nhập từ Excel"}


def test_reimporting_the_same_workbook_changes_nothing(login, staff, people):
    client = login(staff)
    load(client, workbook(good_sheets()))
    after_first = db_state()
    batch, html = preview(client, workbook(good_sheets()))
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    assert sheet_counts(html) == {MEMBERS: (0, 0, 1), AWARDS: (0, 0, 7), PRACTICES: (0, 0, 2)}
    confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE
    assert db_state() == after_first


def test_an_award_entered_in_the_browser_is_matched_not_twinned(login, staff, people):
    an = people["an"]
    stored = Award(
        recipient_member=an,
        form=AwardForm.objects.get(name="Giấy khen"),
        issuer=AwardIssuer.objects.get(name="Đảng ủy cơ sở"),
        decision_number="15-QĐ/ĐU",
        decision_date=datetime.date(2026, 1, 15),
        year=2025,
        achievement="Gương mẫu trong học tập và làm theo Bác",
    )
    stored.fill_recipient_facts()
    stored.save()
    client = login(staff)
    row = individual("Nguyễn Văn An", "CBA", "1001")
    batch, html = preview(client, workbook({AWARDS: [row]}))
    assert sheet_counts(html) == {AWARDS: (0, 0, 1)}

    row["achievement"] = "Gương mẫu, tiêu biểu"
    batch, html = preview(client, workbook({AWARDS: [row]}))
    assert sheet_counts(html) == {AWARDS: (0, 1, 0)}
    assert "Thành tích: “Gương mẫu trong học tập và làm theo Bác” → “Gương mẫu, tiêu biểu”" in html
    confirm(client, batch)
    stored.refresh_from_db()
    assert (stored.achievement, stored.version) == ("Gương mẫu, tiêu biểu", 2)
    assert Award.objects.count() == 1


def test_changed_practice_updates_its_replication(login, staff, people):
    client = login(staff)
    rows = [practice(replicated_to="CBB")]
    load(client, workbook({PRACTICES: rows}))
    rows[0].update(replicated_to="CBB, DTN", kind="Cách làm hay")
    batch, html = preview(client, workbook({PRACTICES: rows}))
    assert sheet_counts(html) == {PRACTICES: (0, 1, 0)}
    assert "Loại: “Mô hình” → “Cách làm hay”" in html
    assert "Đơn vị đã nhân rộng: “CBB” → “CBB, DTN”" in html
    confirm(client, batch)
    stored = GoodPractice.objects.get()
    assert (stored.kind, stored.version) == (PracticeKind.PRACTICE, 2)
    assert {u.code for u in stored.replicated_to.all()} == {"CBB", "DTN"}


@pytest.mark.parametrize(
    ("rows", "row", "column", "message"),
    [
        pytest.param(
            [{**collective(), "full_name": "Nguyễn Văn An", "birth_date": BORN, "unit_code": "CBA"}],
            2,
            "A “Mã tập thể được khen”",
            "Mỗi dòng khen một đối tượng: ghi mã tập thể, hoặc thông tin cá nhân, không ghi cả hai.",
            id="both-recipients",
        ),
        pytest.param(
            [collective(None)],
            2,
            "A “Mã tập thể được khen”",
            "Ghi mã tập thể được khen, hoặc họ tên, ngày sinh, mã đơn vị của cá nhân được khen.",
            id="no-recipient",
        ),
        pytest.param(
            [individual("Nguyễn Văn An", None, "1001")],
            2,
            "E “Mã đơn vị của cá nhân”",
            "Khen cá nhân: ghi mã đơn vị nơi người này sinh hoạt.",
            id="person-without-unit",
        ),
        pytest.param(
            [individual("Hoàng Văn Vắng", "CBA")],
            2,
            "B “Họ và tên cá nhân được khen”",
            "Không tìm thấy Hoàng Văn Vắng (sinh 01/01/1985) ở đơn vị “CBA”. Người được khen phải có",
            id="unknown-person",
        ),
        pytest.param(
            [individual("Nguyễn Văn An", "CBA", "9999")],
            2,
            "D “Số thẻ đảng viên”",
            "Không tìm thấy người có số thẻ đảng viên “9999”.",
            id="unknown-card",
        ),
        pytest.param(
            [collective(form="Huân chương")],
            2,
            "F “Hình thức*”",
            "Không có hình thức “Huân chương” trong danh mục; chọn một trong: Bằng khen; Giấy khen;",
            id="unknown-form",
        ),
        pytest.param(
            [collective(issuer="Bộ trưởng")],
            2,
            "G “Cấp khen*”",
            "Không có cấp khen “Bộ trưởng” trong danh mục cấp khen thưởng.",
            id="unknown-issuer",
        ),
        pytest.param(
            [collective(issuer="Chủ tịch UBND huyện", decision_date="01/07/2025")],
            2,
            "G “Cấp khen*”",
            "“Chủ tịch UBND huyện” thôi khen thưởng từ ngày 01/07/2025; quyết định ngày 01/07/2025 "
            "không thể của cấp này.",
            id="retired-issuer",
        ),
        pytest.param(
            [collective(decision_date="20/12/2024", year=2025)],
            2,
            "I “Ngày quyết định*”",
            "Ngày quyết định ở trước năm thành tích 2025.",
            id="decision-before-the-year",
        ),
        pytest.param(
            [collective(), collective(decision_number="16-QĐ/ĐU", achievement="Thành tích khác")],
            3,
            "F “Hình thức*”",
            "Trùng với dòng 2: cùng đối tượng, hình thức, cấp khen và năm thành tích.",
            id="twice-in-the-file",
        ),
        pytest.param(
            [collective("CBX")],
            2,
            "A “Mã tập thể được khen”",
            "Không tìm thấy đơn vị mã “CBX” trong phạm vi quản lý.",
            id="collective-outside-scope",
        ),
        pytest.param(
            [individual("Hoàng Văn Xa", "CBA", "9001")],
            2,
            "D “Số thẻ đảng viên”",
            "Không tìm thấy người có số thẻ đảng viên “9001”.",
            id="person-outside-scope",
        ),
        pytest.param(
            [collective(year=2015)],
            2,
            "J “Năm thành tích*”",
            "Năm phải từ 2016 đến",
            id="year-before-the-directive",
        ),
    ],
)
def test_bad_award_rows_are_named_and_nothing_is_written(login, staff, people, rows, row, column, message):
    other = make_unit("CBX", make_unit("DBX", kind=UnitKind.GRASSROOTS_COMMITTEE), short_name="Chi bộ khác")
    make_member(other, "Hoàng Văn Xa", party_card_number="9001")
    sheets = {**good_sheets(), AWARDS: rows}
    errors = assert_refused(login(staff), workbook(sheets))
    assert [(sheet, number, col) for sheet, number, col, _ in errors] == [(AWARDS, row, column)], errors
    assert message in errors[0][3]


def test_retired_issuer_is_accepted_before_its_retirement(login, staff, people):
    load(
        login(staff),
        workbook({AWARDS: [collective(issuer="Chủ tịch UBND huyện", decision_date="30/06/2025")]}),
    )
    assert Award.objects.get().issuer.retired_on == datetime.date(2025, 7, 1)


@pytest.mark.parametrize(
    ("rows", "column", "message"),
    [
        pytest.param(
            [practice(kind="Phong trào")], "B “Loại*”", "Giá trị “Phong trào” không hợp lệ", id="unknown-kind"
        ),
        pytest.param([practice(title=None)], "D “Tên mô hình, cách làm, gương*”", "bắt buộc", id="no-title"),
        pytest.param(
            [practice(replicated_to="CBB, XYZ")],
            "F “Đơn vị đã nhân rộng”",
            "Không tìm thấy đơn vị mã “XYZ” trong phạm vi được xem.",
            id="unknown-replication",
        ),
        pytest.param(
            [practice("DBX")],
            "A “Mã đơn vị*”",
            "Không tìm thấy đơn vị mã “DBX” trong phạm vi quản lý.",
            id="outside-scope",
        ),
    ],
)
def test_bad_practice_rows_are_named_and_nothing_is_written(login, staff, people, rows, column, message):
    make_unit("DBX", kind=UnitKind.GRASSROOTS_COMMITTEE)
    errors = assert_refused(login(staff), workbook({**good_sheets(), PRACTICES: rows}))
    assert [(sheet, number, col) for sheet, number, col, _ in errors] == [(PRACTICES, 2, column)], errors
    assert message in errors[0][3]


def test_practice_twice_in_the_file_is_refused(login, staff, people):
    rows = [practice(), practice(title="mô hình “mỗi tuần một việc tốt”", kind="Cách làm hay")]
    errors = assert_refused(login(staff), workbook({PRACTICES: rows}))
    assert [(sheet, row) for sheet, row, *_ in errors] == [(PRACTICES, 3)]
    assert errors[0][3].startswith("Trùng với dòng 2: cùng mô hình, gương điển hình")


def test_award_files_under_the_unit_the_person_was_in_on_the_decision_date(login, people, tree):
    """Cường was in cell A until 2024 and is in cell B now: cell B's staff cannot file his 2024 award,
    cell A's can, and it files under cell A."""
    cuong = people["cuong"]
    Membership.objects.filter(member=cuong).update(
        unit=tree["cell_a"], started_on="2016-01-01", ended_on="2024-12-31"
    )
    Membership.objects.create(member=cuong, unit=tree["cell_b"], started_on="2025-01-01")
    row = individual("Lê Văn Cường", "CBB", "2001", decision_date="01/12/2024", year=2024)

    staff_b = make_user("canbo_b", RoleKind.STAFF, tree["cell_b"])
    errors = assert_refused(login(staff_b), workbook({AWARDS: [row]}))
    assert errors == [
        (
            AWARDS,
            2,
            "B “Họ và tên cá nhân được khen”",
            "Ngày 01/12/2024 Lê Văn Cường không sinh hoạt ở đơn vị nào trong phạm vi quản lý; khen "
            "thưởng cá nhân được ghi ở đơn vị người được khen sinh hoạt vào ngày quyết định.",
        )
    ]
    staff_a = make_user("canbo_a", RoleKind.STAFF, tree["cell_a"])
    load(login(staff_a), workbook({AWARDS: [{**row, "unit_code": "CBA"}]}))
    assert Award.objects.get().unit == tree["cell_a"]


@pytest.mark.parametrize("sheet", [AWARDS, PRACTICES])
def test_secretaries_cannot_load_awards_or_practices(login, secretary_a, people, sheet):
    rows = {AWARDS: [collective()], PRACTICES: [practice()]}[sheet]
    errors = assert_refused(login(secretary_a), workbook({sheet: rows}))
    assert [(s, row, column) for s, row, column, _ in errors] == [(sheet, None, None)]
    assert errors[0][3].startswith(f"Chỉ cán bộ đảng ủy được nhập trang “{sheet}”.")


def test_template_has_the_award_and_practice_sheets_with_their_headers(login, staff, admin_user, tree):
    book = openpyxl.load_workbook(io.BytesIO(login(staff).get(reverse("import_template")).content))
    for title in (AWARDS, PRACTICES):
        assert [c.value for c in book[title][1]] == [header for _, header in COLUMNS[title]]
    guide = "\n".join(str(v) for row in book["Hướng dẫn"].iter_rows(values_only=True) for v in row if v)
    assert "Khen tập thể thì ghi Mã tập thể được khen" in guide
    for title in (AWARDS, PRACTICES):
        for _, header in COLUMNS[title]:
            assert header in guide
    # The example rows are valid (an administrator may create the example root unit).
    client = login(admin_user)
    batch, html = preview(client, client.get(reverse("import_template")).content)
    assert batch.status == ImportBatch.Status.PENDING, batch.summary["errors"]
    counts = sheet_counts(html)
    assert (counts[AWARDS], counts[PRACTICES]) == ((2, 0, 0), (1, 0, 0))


def test_award_preview_queries_do_not_grow_with_the_rows(login, staff, tree):
    people = [make_member(tree["cell_a"], f"Người Số {i}", party_card_number=f"5{i:03}") for i in range(40)]

    def awards(count: int) -> bytes:
        rows = [individual(p.full_name, "CBA", p.party_card_number) for p in people[:count]]
        return workbook({AWARDS: [*rows, collective(), collective("CBB")]})

    client = login(staff)
    with CaptureQueriesContext(connection) as few:
        upload(client, awards(3))
    with CaptureQueriesContext(connection) as many:
        upload(client, awards(40))
    assert len(many) == len(few)


def test_award_dated_before_the_persons_first_period_files_under_their_first_unit(login, people, tree):
    """Cường's history starts in cell A in 2025, then he moved to cell B: a 2024 decision files
    under cell A, as Member.unit_on() says, not under his current cell."""
    cuong = people["cuong"]
    Membership.objects.filter(member=cuong).update(
        unit=tree["cell_a"], started_on="2025-01-01", ended_on="2025-06-30"
    )
    Membership.objects.create(member=cuong, unit=tree["cell_b"], started_on="2025-07-01")
    row = individual("Lê Văn Cường", "CBA", "2001", decision_date="01/12/2024", year=2024)
    staff_a = make_user("canbo_a", RoleKind.STAFF, tree["cell_a"])
    load(login(staff_a), workbook({AWARDS: [row]}))
    award = Award.objects.get()
    assert award.unit == tree["cell_a"] == cuong.unit_on(datetime.date(2024, 12, 1))
