"""Excel workbooks of the pledge cycle: the cell's pre-filled registration workbook.

Every Excel cell the pledge cycle writes goes through `_put`: user text is always a string cell
(text starting with "=" never becomes a live formula) and characters Excel refuses are dropped.
The workbook's “Đăng ký” sheet has exactly the columns of the import sheet, so the secretary
fills it offline and uploads it back through the normal import page.
"""

import datetime
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from party.models import Unit
from party.xlsx import put_text
from pledges.imports import PledgeSheet
from pledges.models import NotEvaluatedReason, Pledge, RatingScale

HEADER_FILL = PatternFill("solid", fgColor="FFF2CC")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
SPARE_ROWS = 300  # rows below the data where the drop-down lists still apply
WRAPPED = {"commitment", "content", "target", "comment"}


def _put(sheet, row: int, column: int, value):
    """Write one cell; text is stored as text, never as a formula."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        put_text(cell, value)  # "=1+1" typed by a person stays the text "=1+1"
    elif isinstance(value, Decimal):
        cell.value = int(value) if value == value.to_integral_value() else float(value)
    else:
        cell.value = value
    if isinstance(value, datetime.date):
        cell.number_format = "DD/MM/YYYY"
    return cell


def build_cell_workbook(*, unit: Unit, year: int, upload_url: str) -> bytes:
    """Every person of the unit in the year, with their deeds (one row each) or one empty row."""
    people = Pledge.objects.select_related("rating").prefetch_related("deeds").of_people_in(unit, year)
    scale = RatingScale.objects.in_force_for_year(year)

    rows, elsewhere, registered = [], [], 0
    for member, pledge in people:
        if pledge is not None and pledge.unit_id != unit.pk:
            elsewhere.append(member.full_name)  # the registration stays with the unit it was made in
            continue
        person = {
            "year": year,
            "unit_code": unit.code,
            "full_name": member.full_name,
            "birth_date": member.birth_date,
            "party_card_number": member.party_card_number or "",
        }
        deeds = list(pledge.deeds.all()) if pledge is not None else []
        if not deeds:
            rows.append(person)
            continue
        registered += 1
        record = {
            "commitment": pledge.commitment,
            "rating": pledge.rating.name if pledge.rating else "",
            "score": pledge.score,
            "comment": pledge.evaluation_comment,
            "not_evaluated_reason": (
                NotEvaluatedReason(pledge.not_evaluated_reason).label if pledge.not_evaluated_reason else ""
            ),
        }
        for deed in deeds:
            done = "" if deed.done is None else ("Có" if deed.done else "Không")
            rows.append(
                {
                    **person,
                    **record,
                    "content": deed.content,
                    "target": deed.target,
                    "deadline": deed.deadline,
                    "done": done,
                }
            )

    workbook = Workbook()
    guide = workbook.active
    guide.title = "Hướng dẫn"
    _write_guide(guide, unit, year, scale, upload_url, len(people) - len(elsewhere), registered, elsewhere)
    _write_rows(workbook.create_sheet(PledgeSheet.title), rows, scale)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _write_rows(sheet, rows: list[dict], scale: RatingScale | None) -> None:
    columns = PledgeSheet.columns
    for position, column in enumerate(columns, start=1):
        header = _put(sheet, 1, position, column.header)
        header.font, header.fill, header.alignment = BOLD, HEADER_FILL, WRAP
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    for number, values in enumerate(rows, start=2):
        for position, column in enumerate(columns, start=1):
            cell = _put(sheet, number, position, values.get(column.name))
            cell.alignment = WRAP if column.name in WRAPPED else TOP
            if column.text_format:
                cell.number_format = "@"  # codes and card numbers keep their leading zeros
    sheet.freeze_panes = "D2"  # year, unit and name stay in view
    last = len(rows) + 1 + SPARE_ROWS
    letters = {column.name: get_column_letter(i) for i, column in enumerate(columns, start=1)}
    levels = [level.name for level in sorted(scale.levels.all(), key=lambda lv: lv.position)] if scale else []
    for name, choices in (
        ("done", ["Có", "Không"]),
        ("rating", levels),
        ("not_evaluated_reason", list(NotEvaluatedReason.labels)),
    ):
        formula = '"' + ",".join(choices) + '"'
        if not choices or len(formula) > 255 or any("," in c or '"' in c for c in choices):
            continue  # Excel's list validation cannot hold these: the import still checks the values
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.error = "Chọn một giá trị trong danh sách (hoặc để trống)."
        validation.errorTitle = "Giá trị không hợp lệ"
        sheet.add_data_validation(validation)
        validation.add(f"{letters[name]}2:{letters[name]}{last}")


def _write_guide(guide, unit, year, scale, upload_url, people, registered, elsewhere) -> None:
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 100
    if scale is None:
        rule = "Chưa có quy định xếp loại áp dụng cho năm này: để trống cột Xếp loại và Điểm."
    else:
        levels = sorted(scale.levels.all(), key=lambda lv: lv.position)
        if scale.uses_score:
            names = "; ".join(
                f"{lv.name} (từ {lv.min_score:.0f} điểm)" if lv.min_score else lv.name for lv in levels
            )
            rule = (
                f"Năm {year} xếp loại theo {scale.name}: {names}. Mức xếp loại theo điểm: chỉ ghi Điểm "
                "thì mức suy ra từ điểm; ghi cả hai thì phải khớp nhau."
            )
        else:
            rule = f"Năm {year} xếp loại theo {scale.name}: " + "; ".join(lv.name for lv in levels) + "."
    lines: list[tuple[str, str]] = [
        (f"BẢNG ĐĂNG KÝ LÀM THEO BÁC NĂM {year}", ""),
        ("Đơn vị", f"{unit.name} (mã {unit.code})"),
        (
            "Tải về lúc",
            f"{timezone.localtime():%d/%m/%Y %H:%M} — {people} người, {registered} người đã đăng ký.",
        ),
        ("", ""),
        (
            "Cách điền",
            "Trang “Đăng ký” có sẵn mỗi người của đơn vị trong năm. Người đã đăng ký có mỗi việc làm một "
            "dòng; người chưa đăng ký có một dòng để ghi việc làm đầu tiên.",
        ),
        (
            "",
            "Mỗi việc làm một dòng. Thêm việc làm: chèn một dòng, chép sang các cột Năm, Mã đơn vị, Họ và "
            "tên, Ngày sinh, Số thẻ đảng viên của người đó rồi ghi nội dung việc làm. Bỏ một việc làm: "
            "xóa dòng của việc đó.",
        ),
        (
            "",
            "Không sửa các cột Năm, Mã đơn vị, Họ và tên, Ngày sinh, Số thẻ đảng viên: hệ thống dựa vào đó "
            "để nhận ra người. Không đổi tên trang “Đăng ký” và dòng tiêu đề.",
        ),
        (
            "",
            "Dòng chưa ghi việc làm nào được bỏ qua; người không còn dòng nào trong tệp thì bản đăng ký "
            "đang có giữ nguyên.",
        ),
        (
            "Cuối năm",
            "Ghi Đã thực hiện (Có/Không) cho từng việc; Xếp loại, Điểm, Nhận xét ghi giống nhau ở các dòng "
            "của một người. Người chưa đánh giá được thì ghi Lý do chưa đánh giá và để trống Xếp loại.",
        ),
        ("Quy định xếp loại", rule),
        (
            "",
            "Bản đăng ký đã đánh giá chỉ cán bộ đảng ủy sửa được (mở lại); để nguyên các dòng của những "
            "bản đó.",
        ),
        (
            "Tải lên",
            f"Tải tệp đã điền lên ở trang “Nhập từ Excel”: {upload_url}. Hệ thống cho xem trước những gì "
            "sẽ thêm, sửa; chỉ ghi khi anh/chị xác nhận. Có lỗi ở bất kỳ dòng nào thì không ghi gì.",
        ),
        ("Ngày tháng", "Ghi theo dạng dd/mm/yyyy (ví dụ 04/05/1980 là ngày 4 tháng 5)."),
    ]
    if elsewhere:
        lines.append(
            (
                "Đăng ký ở đơn vị khác",
                f"Năm {year} những người sau đã đăng ký ở đơn vị khác nên không có trong bảng: "
                + ", ".join(elsewhere)
                + ".",
            )
        )
    lines += [("", ""), ("Các cột", "")]
    lines += [(column.header, column.help) for column in PledgeSheet.columns]
    for number, (label, text) in enumerate(lines, start=1):
        _put(guide, number, 1, label).font = BOLD
        _put(guide, number, 2, text).alignment = WRAP
    guide["A1"].font = Font(bold=True, size=14)
