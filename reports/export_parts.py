"""The list sheets of the review report's workbook: no sheet longer than Excel allows, and every
sheet checked against the count of what it should hold.

A list is counted by year before anything is written (one grouped query). A list that fits one
sheet keeps its title ("Đăng ký"); a longer one becomes a sheet per year ("Đăng ký 2025"), and a
year still too long becomes sheets of consecutive direct child units in tree order ("Đăng ký 2025
(1)", "(2)"...: a range of unit paths, so each sheet is one query). The summary sheet names every
part (`ListPart.note`). Each sheet must receive exactly the rows its count promised: a list that
changed while it was written, or a bug, fails the export with a message (`ExportError`), never a
file with rows missing or a sheet past the limit.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from openpyxl.workbook import Workbook

from party.models import Unit
from reports.export_cells import header_row, list_cells, start_sheet
from reports.export_lists import ListSheet, Progress, stream
from reports.queries import CHILD, YEAR, Scope, subtrees_q

EXCEL_ROWS = 1_048_576  # rows of one Excel sheet
SHEET_ROWS = EXCEL_ROWS - 1  # list rows a sheet holds under its header row
PATH = "unit__path"  # every list is placed in the tree by its record's unit


class ExportError(Exception):
    """An export that must not be delivered; its message (Vietnamese) is shown to the person."""


def number(value: int) -> str:
    """1407802 → "1.407.802" (Vietnamese thousands), for sentences; cells hold numbers."""
    return f"{value:,}".replace(",", ".")


@dataclass(frozen=True)
class ListPart:
    """One sheet of a list: which records it holds and how many rows that must be."""

    sheet: ListSheet
    title: str
    scope: Scope
    where: Q | None  # which units' records, when not the whole subtree
    rows: int
    note: str  # what the part holds, for the summary sheet ("" when it is the whole list)

    def queryset(self) -> QuerySet:
        return self.sheet.rows(self.scope, self.where)


def plan_list(sheet: ListSheet, scope: Scope) -> list[ListPart]:
    """The sheets a list is written as: one when it fits, otherwise by year, then by child."""
    by_year = dict(sheet.records(scope).values_list(YEAR).annotate(rows=Count("pk")).order_by())
    total = sum(by_year.values())
    if total <= SHEET_ROWS:
        return [ListPart(sheet, sheet.title, scope, None, total, "")]
    parts = []
    for year in sorted(by_year):
        year_scope = Scope(scope.unit, year, year)
        if by_year[year] <= SHEET_ROWS:
            title = f"{sheet.title} {year}"
            parts.append(ListPart(sheet, title, year_scope, None, by_year[year], f"năm {year}"))
        else:
            parts += _by_child(sheet, year_scope)
    return parts


def _by_child(sheet: ListSheet, scope: Scope) -> list[ListPart]:
    """One year cut into runs of direct children (the unit's own records first), each run as
    long as a sheet allows. The list's order within a run is kept."""
    counts = sorted(sheet.records(scope).values_list(CHILD).annotate(rows=Count("pk")).order_by())
    own = scope.unit.path
    units = Unit.objects.filter(path__in=[path for path, _rows in counts])
    names = dict(units.values_list("path", "short_name"))
    names[own] = f"{scope.unit.short_name} (trực tiếp)"
    runs: list[list[tuple[str, int]]] = [[]]
    for path, rows in counts:
        if rows > SHEET_ROWS:
            raise ExportError(
                f"Danh sách “{sheet.title}” năm {scope.first_year} của {names[path]} có {number(rows)} "
                f"dòng, quá giới hạn {number(SHEET_ROWS)} dòng của một trang tính Excel. Hãy xuất "
                "báo cáo của đơn vị cấp dưới, hoặc tải danh sách này dạng CSV."
            )
        if sum(n for _path, n in runs[-1]) + rows > SHEET_ROWS:
            runs.append([])
        runs[-1].append((path, rows))
    parts = []
    for index, run in enumerate(runs, start=1):
        paths = [path for path, _rows in run]
        children = [path for path in paths if path != own]
        where = Q(**{PATH: own}) if own in paths else Q()
        if children:
            where |= subtrees_q(children[0], children[-1], PATH)
        first, last = names[paths[0]], names[paths[-1]]
        units = first if len(paths) == 1 else f"từ {first} đến {last} ({len(paths)} đơn vị)"
        title = f"{sheet.title} {scope.first_year} ({index})"
        rows = sum(n for _path, n in run)
        parts.append(ListPart(sheet, title, scope, where, rows, f"năm {scope.first_year}, {units}"))
    return parts


def split_note(sheet: ListSheet, parts: list[ListPart]) -> str:
    """For the summary sheet: why and how a list was cut into several sheets ("" if it was not)."""
    if len(parts) < 2:
        return ""
    by_child = any(part.where is not None for part in parts)
    how = "theo năm và theo đơn vị trực thuộc" if by_child else "theo năm"
    return (
        f"Danh sách “{sheet.title}” có {number(sum(part.rows for part in parts))} dòng, quá giới "
        f"hạn {number(SHEET_ROWS)} dòng của một trang tính Excel, nên được chia {how} thành "
        f"{len(parts)} trang tính; tải CSV để có cả danh sách trong một tệp."
    )


def write_part(workbook: Workbook, part: ListPart, progress: Progress) -> None:
    """Write one list sheet; its rows must be exactly the count the part was planned with."""
    sheet = part.sheet
    ws = start_sheet(workbook, part.title, [column.width for column in sheet.columns], landscape=True)
    ws.append(header_row(ws, sheet.headers))
    written = 0
    for row in stream(part.queryset()):
        written += 1
        if written > part.rows:
            break  # never past the count: the sheet could pass Excel's limit
        ws.append(list_cells(ws, sheet.columns, sheet.convert(row)))
        progress.tick()
    if written != part.rows:
        raise ExportError(mismatch_message(part.title, part.rows))


def mismatch_message(title: str, expected: int) -> str:
    return (
        f"Danh sách “{title}” không ghi đúng {number(expected)} dòng đã đếm: dữ liệu vừa thay đổi "
        "trong lúc xuất. Tệp không được tạo; vui lòng xuất lại."
    )
