"""Everything the system holds on one person, as a workbook: the answer to a data-subject request.

Law 91/2025/QH15 on personal data protection gives a person the right to see and correct their
data; Party membership is sensitive data. The workbook has one sheet per kind of data about the
person (docs/privacy.md lists them), whatever unit the records were filed under: it answers the
person, not the requester's scope, which is why only committee staff may produce it and why it
is logged (reports/subject_views.py). Every text cell goes through `party.xlsx.put_text`: nothing
from the data becomes a formula. Nothing about user accounts is included: accounts are not linked
to people. Here, above party and pledges, because it reads both apps' data.
"""

import datetime
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.db import models
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from party.models import AccessEvent, Inspection, Member
from party.xlsx import put_text
from pledges.models import Award, GoodPractice, Pledge, PledgeDeed
from reports.subject_history import first_upper, history_rows

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
WRAP = Alignment(wrap_text=True, vertical="top")

# Member fields without a Vietnamese verbose name of their own.
MEMBER_LABELS = {
    "id": "Mã hồ sơ trong hệ thống",
    "search_name": "Khóa tìm kiếm (tự tạo từ họ tên, không dấu)",
    "sort_key": "Khóa sắp xếp (tự tạo từ họ tên)",
}

Column = tuple[str, int]  # header, width in characters


def write_subject_workbook(member: Member, out: IO[bytes], *, exported_by: Any = None) -> None:
    """Write the person's workbook (.xlsx) to `out`."""
    book = Workbook()
    book.remove(book.active)
    _about(book, member, exported_by)
    _personal_details(book, member)
    _table(
        book,
        "Quá trình sinh hoạt",
        [("Mã đơn vị", 14), ("Đơn vị", 40), ("Từ ngày", 12), ("Đến ngày", 12)],
        (
            [p.unit.code, p.unit.name, p.started_on, p.ended_on]
            for p in member.memberships.select_related("unit").order_by("started_on", "pk")
        ),
    )
    pledges = list(Pledge.objects.filter(member=member).select_related("unit", "rating").order_by("year"))
    _table(
        book,
        "Đăng ký làm theo Bác",
        [
            ("Năm", 8),
            ("Đơn vị nơi đăng ký", 30),
            ("Nội dung cam kết", 50),
            ("Số việc làm", 10),
            ("Trạng thái", 16),
            ("Xếp loại", 24),
            ("Điểm", 8),
            ("Nhận xét", 40),
            ("Lý do xếp loại khác mức theo điểm", 30),
            ("Lý do chưa đánh giá", 20),
            ("Đánh giá lúc", 17),
            ("Tạo lúc", 17),
            ("Cập nhật lúc", 17),
        ],
        (
            [
                p.year,
                p.unit.name,
                p.commitment,
                p.deed_count,
                p.get_status_display(),
                p.rating.name if p.rating else "",
                p.score,
                p.evaluation_comment,
                p.rating_reason,
                p.get_not_evaluated_reason_display(),
                p.evaluated_at,
                p.created_at,
                p.updated_at,
            ]
            for p in pledges
        ),
    )
    _table(
        book,
        "Việc làm đăng ký",
        [
            ("Năm", 8),
            ("Thứ tự", 8),
            ("Nội dung việc làm", 60),
            ("Chỉ tiêu, kết quả cần đạt", 40),
            ("Thời hạn", 12),
            ("Đã thực hiện", 14),
        ],
        (
            [d.pledge.year, d.position, d.content, d.target, d.deadline, _done(d.done)]
            for d in PledgeDeed.objects.filter(pledge__member=member)
            .select_related("pledge")
            .order_by("pledge__year", "position", "pk")
        ),
    )
    _table(
        book,
        "Khen thưởng",
        [
            ("Ngày quyết định", 14),
            ("Số quyết định", 16),
            ("Hình thức", 24),
            ("Cấp khen", 30),
            ("Năm thành tích", 10),
            ("Chương trình", 20),
            ("Thành tích", 50),
            ("Đơn vị lúc khen", 30),
            ("Là đảng viên lúc khen", 12),
            ("Đã xóa lúc", 17),
        ],
        (
            [
                a.decision_date,
                a.decision_number,
                a.form.name,
                a.issuer.name,
                a.year,
                a.get_programme_display(),
                a.achievement,
                a.unit.name,
                a.was_party_member,
                a.deleted_at,
            ]
            for a in Award.all_objects.filter(recipient_member=member)
            .select_related("form", "issuer", "unit")
            .order_by("decision_date", "pk")
        ),
    )
    _table(
        book,
        "Mô hình, gương điển hình",
        [("Năm", 8), ("Loại", 16), ("Tên", 50), ("Mô tả, kết quả", 60), ("Đơn vị", 30), ("Đã xóa lúc", 17)],
        (
            [g.year, g.get_kind_display(), g.title, g.description, g.unit.name, g.deleted_at]
            for g in GoodPractice.all_objects.filter(people=member)
            .select_related("unit")
            .order_by("year", "pk")
        ),
    )
    _table(
        book,
        "Kiểm tra, giám sát",
        [
            ("Ngày bắt đầu", 12),
            ("Ngày kết thúc", 12),
            ("Loại", 12),
            ("Chủ thể tiến hành", 22),
            ("Đơn vị tiến hành", 30),
            ("Nội dung", 50),
            ("Kết luận", 50),
            ("Đã xóa lúc", 17),
        ],
        (
            [
                i.started_on,
                i.ended_on,
                i.get_kind_display(),
                i.get_conducted_by_display(),
                i.unit.name,
                i.subject,
                i.conclusion,
                i.deleted_at,
            ]
            for i in Inspection.all_objects.filter(target_members=member)
            .select_related("unit")
            .order_by("started_on", "pk")
        ),
    )
    _table(
        book,
        "Lịch sử thay đổi",
        [
            ("Thời điểm", 17),
            ("Người thực hiện", 18),
            ("Thao tác", 10),
            ("Dữ liệu", 28),
            ("Mã bản ghi", 10),
            ("Nội dung", 70),
            ("Lý do", 24),
        ],
        history_rows(member),
    )
    _table(
        book,
        "Nhật ký truy cập",
        [("Thời điểm", 17), ("Tài khoản", 18), ("Loại", 24), ("Chi tiết", 50)],
        (
            [
                e.at,
                e.username,
                e.get_kind_display(),
                json.dumps(e.details, ensure_ascii=False) if e.details else "",
            ]
            for e in AccessEvent.objects.filter(member=member).order_by("at", "pk")
        ),
    )
    book.save(out)


def _done(value: bool | None) -> str:
    return {True: "Đã thực hiện", False: "Chưa thực hiện"}.get(value, "Chưa đánh giá")


def _about(book: Workbook, member: Member, exported_by: Any) -> None:
    sheet = book.create_sheet("Giới thiệu")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90
    put_text(sheet.cell(1, 1), "Dữ liệu cá nhân do hệ thống lưu giữ").font = Font(bold=True, size=13)
    lines: list[tuple[str, Any]] = [
        ("Họ và tên", member.full_name),
        ("Mã hồ sơ", member.pk),
        ("Xuất lúc", timezone.now()),
        ("Người xuất", exported_by.get_username() if exported_by is not None else ""),
        (
            "Nội dung",
            "Mỗi trang tính là một loại dữ liệu về người này: thông tin cá nhân, quá trình sinh hoạt, "
            "bản đăng ký và việc làm theo Bác, khen thưởng, mô hình và gương điển hình, kiểm tra, "
            "giám sát, lịch sử thay đổi và nhật ký truy cập hồ sơ. Trang trống là hệ thống không lưu "
            "dữ liệu loại đó về người này.",
        ),
        (
            "Lưu ý",
            "Tài liệu có dữ liệu cá nhân nhạy cảm (thông tin đảng viên). Chỉ giao cho chính người "
            "này hoặc người được pháp luật cho phép; không gửi qua kênh không bảo mật.",
        ),
    ]
    for row, (label, value) in enumerate(lines, start=3):
        put_text(sheet.cell(row, 1), label).font = HEADER_FONT
        _put(sheet.cell(row, 2), value)


def _personal_details(book: Workbook, member: Member) -> None:
    def label(field: models.Field) -> str:
        return MEMBER_LABELS.get(field.name) or first_upper(field.verbose_name)

    def value(field: models.Field) -> Any:
        if field.name == "unit":
            return f"{member.unit.name} ({member.unit.code})"
        if field.choices:
            return getattr(member, f"get_{field.name}_display")()
        return getattr(member, field.attname)

    _table(
        book,
        "Thông tin cá nhân",
        [("Thông tin", 42), ("Giá trị", 50)],
        ([label(f), value(f)] for f in Member._meta.concrete_fields),
    )


def _table(book: Workbook, title: str, columns: list[Column], rows: Iterable[list]) -> None:
    """A sheet with a frozen header row, column widths and one row per item."""
    sheet = book.create_sheet(title)
    for position, (header, width) in enumerate(columns, start=1):
        cell = put_text(sheet.cell(1, position), header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    for number, row in enumerate(rows, start=2):
        for position, value in enumerate(row, start=1):
            _put(sheet.cell(number, position), value)
    if sheet.max_row == 1:
        put_text(sheet.cell(2, 1), "Không có dữ liệu.")


def _put(cell, value: Any) -> None:
    """A value as its own type: text as safe text, dates as real dates shown dd/mm/yyyy."""
    if isinstance(value, bool):
        put_text(cell, "Có" if value else "Không")
    elif isinstance(value, datetime.datetime):
        cell.value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int | Decimal):
        cell.value = value
    elif value is None:
        cell.value = None
    else:
        put_text(cell, str(value))
        if "\n" in str(value) or len(str(value)) > 60:
            cell.alignment = WRAP
