"""The downloadable import template: a guidance sheet and one sheet per registered import sheet,
its header row and examples from the sheet's columns (its row form's fields and their headings)."""

import datetime
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from party.imports import registry
from party.imports.base import Sheet
from party.xlsx import put_text

HEADER_FILL = PatternFill("solid", fgColor="FFF2CC")
BOLD = Font(bold=True)


def build_template(sheets: list[type[Sheet]] | None = None) -> bytes:
    """The template of the given sheets (default: all), with a guidance sheet first."""
    sheets = registry.sheets() if sheets is None else sheets
    workbook = Workbook()
    guide = workbook.active
    guide.title = "Hướng dẫn"
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["B"].width = 90
    lines: list[tuple[str, str]] = [
        ("TỆP MẪU NHẬP DỮ LIỆU", ""),
        ("", "Điền dữ liệu vào các trang bên cạnh, giữ nguyên dòng tiêu đề. Cột có dấu * là bắt buộc."),
        ("", "Ngày ghi theo dạng dd/mm/yyyy (ví dụ 04/05/1980 là ngày 4 tháng 5)."),
        ("", "Xóa các dòng ví dụ trước khi tải lên. Tải lên nhiều lần cùng một tệp không tạo dữ liệu trùng."),
        ("", "Sau khi tải lên, hệ thống cho xem trước những gì sẽ được thêm, sửa; chỉ khi xác nhận mới ghi."),
        ("", "Nếu có lỗi ở bất kỳ dòng nào, không dữ liệu nào được ghi; sửa theo danh sách lỗi rồi tải lại."),
    ]
    for sheet_class in sheets:
        lines.append(("", ""))
        lines.append((f"Trang “{sheet_class.title}”", sheet_class.guidance))
        for column in sheet_class.columns:
            lines.append((column.header, column.help or ""))
    for row in lines:
        guide.append(row)
    guide["A1"].font = Font(bold=True, size=14)
    for cell in guide["A"][1:]:  # A1 keeps its title font
        cell.font = BOLD
    for cell in guide["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    for sheet_class in sheets:
        sheet = workbook.create_sheet(sheet_class.title)
        sheet.append([column.header for column in sheet_class.columns])
        examples = max(len(column.example) for column in sheet_class.columns)
        for index in range(examples):
            sheet.append([_example(column.example, index) for column in sheet_class.columns])
        for position, column in enumerate(sheet_class.columns, start=1):
            letter = get_column_letter(position)
            sheet.column_dimensions[letter].width = column.width
            header = sheet.cell(row=1, column=position)
            header.font, header.fill = BOLD, HEADER_FILL
            for row in range(2, 2 + examples):
                cell = sheet.cell(row=row, column=position)
                if column.text_format:
                    cell.number_format = "@"
                elif isinstance(cell.value, datetime.date):
                    cell.number_format = "DD/MM/YYYY"
        sheet.freeze_panes = "A2"
    for sheet in workbook.worksheets:
        _as_text(sheet)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _example(values: tuple, index: int):
    value = values[index] if index < len(values) else None
    return None if value == "" else value


def _as_text(sheet) -> None:
    """Every text cell stays text (sheet.append() takes "=..." for a formula); the template's
    words are ours, but an example or a help text may one day begin with "-" or "="."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                put_text(cell, cell.value)
