"""The import mechanism: sheets described once, read into validated rows, planned, then committed.

A workbook holds the sheets registered in `registry` (units before the members who belong to
them). Each sheet reads its rows through its row form (`form_class`): a valid row becomes a
dict of typed values, an invalid one a `RowError` naming sheet, row and column. The sheet then
turns its valid rows into a `SheetPlan` of creations and updates, checked against the database.
Nothing is written unless the whole workbook has no error; then every sheet commits in one
transaction (service.py). A sheet's columns are its row form's fields, each with a `Heading`.
`records.py` is the base of the sheets whose rows are records matched on a natural key.
"""

import datetime
import logging
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.db import models
from openpyxl.utils import get_column_letter

from party.imports.columns import Column, Heading, columns_of
from party.imports.safety import MAX_ROW_NUMBER
from party.models import Member, Unit
from party.text import search_key

logger = logging.getLogger(__name__)
UNREADABLE_ROW = (
    "Không đọc được nội dung từ dòng này (ô có giá trị sai kiểu hoặc tệp bị hỏng); không dữ liệu nào "
    "được ghi. Hãy mở tệp bằng Excel, kiểm tra các ô của dòng, lưu lại rồi tải lên."
)
CHANGE_REASON = "Nhập từ Excel"  # the history's reason for every write of an import
BLANK = ("", None, ())  # what a form gives for an empty cell: text, date or number, unit codes

# One request previews a workbook (see make bench for its time).
MAX_ROWS = 20_000
MAX_COLUMNS = 60


# Rows, errors, plans ---------------------------------------------------------------------


@dataclass
class SourceRow:
    """A row of the file: its number, and its cells until the row form has read them."""

    number: int
    values: dict[str, str] = field(default_factory=dict)
    cells: dict[str, Any] = field(default_factory=dict)


# A row its form found valid, with the form's cleaned values: what a preview keeps for the commit.
ValidRow = tuple[SourceRow, dict[str, Any]]


@dataclass
class RowError:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [f"Trang “{self.sheet}”"]
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột {self.column}")
        return f"{', '.join(where)}: {self.message}"

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


class RowProblem(Exception):
    """A row refused for a reason found after its form was valid (a lookup, a rule across fields)."""

    def __init__(self, column: str | None, message: str):
        super().__init__(message)
        self.column, self.message = column, message


@dataclass
class RowAction:
    """What one row will do: create a record, or update the stored `record` with the listed changes."""

    row: int
    action: str  # "create" | "update" | "unchanged"
    label: str
    changes: list[str] = field(default_factory=list)
    payload: Any = None
    record: models.Model | None = None  # the stored record an update or unchanged row matches

    def as_dict(self) -> dict:
        return {"row": self.row, "action": self.action, "label": self.label, "changes": self.changes}


@dataclass
class SheetPlan:
    title: str
    actions: list[RowAction] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for a in self.actions if a.action == action)

    def as_dict(self, max_rows: int = 500) -> dict:
        shown = [a.as_dict() for a in self.actions if a.action != "unchanged"][:max_rows]
        return {
            "title": self.title,
            "created": self.count("create"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
            "rows": shown,
        }


# Values ----------------------------------------------------------------------------------


def norm(text: str | None) -> str:
    """Text as the import reads a cell: NFC, single spaces, no line breaks (compare stored text so)."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def cell_text(value: Any) -> str:
    """A cell as the text a form field would receive from a person typing it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return norm(str(value))


def show(value: Any) -> str:
    """A stored or file value as the preview lists it in a change (“old” → “new”)."""
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")  # 85,5 as Vietnamese write it
    return str(value)


def short(text: str, limit: int = 60) -> str:
    text = norm(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_key(value: Any) -> Any:
    """A key part as rows and stored records are compared: text ignoring case, spacing and Unicode form."""
    if isinstance(value, str):
        return norm(value).casefold()
    return value


def differs(old: Any, new: Any) -> bool:
    """Whether the file's value differs from the stored one (text compared as the file reads it)."""
    if isinstance(new, str) or isinstance(old, str):
        return norm(old) != norm(new)
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        return getattr(old, "pk", None) != getattr(new, "pk", None)
    return old != new


# Sheets ----------------------------------------------------------------------------------


class Sheet:
    """A sheet of the import workbook. Subclasses set the row form and its headings, and turn
    valid rows into a plan (`plan`) and a plan into writes (`commit`)."""

    title: ClassVar[str]
    guidance: ClassVar[str]
    form_class: ClassVar[type[forms.Form]]
    headings: ClassVar[dict[str, Heading]]
    columns: ClassVar[tuple[Column, ...]]  # made from the two above
    record_name: ClassVar[str] = "bản ghi"  # a record of the sheet, as messages name it
    # Secretaries may use the sheet, for units in their scope (party.access.can_import_sheet).
    open_to_secretaries: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "headings" in cls.__dict__:
            cls.columns = columns_of(cls.form_class, cls.headings)

    def __init__(self, context: "ImportContext"):
        self.context = context
        self.errors: list[RowError] = []

    # Reading -----------------------------------------------------------------

    def column_label(self, name: str) -> str:
        for index, column in enumerate(self.columns, start=1):
            if column.name == name:
                return f"{get_column_letter(index)} “{column.header}”"
        return name

    def header(self, name: str) -> str:
        """The column's header without the mark of a required column."""
        return next(c.header.rstrip("*") for c in self.columns if c.name == name)

    def error(self, row: int | None, column: str | None, message: str) -> None:
        label = self.column_label(column) if column else None
        self.errors.append(RowError(self.title, row, label, message))

    def read_rows(self, worksheet) -> list[SourceRow]:
        """Rows of the sheet keyed by column name; headers matched forgiving case and diacritics.

        safety.check_sheets has refused what openpyxl cannot read; anything it still raises
        ends as an error naming the sheet and the row, never as an error page.
        """
        self.last_row_read = 0
        try:
            return self.read_known_columns(worksheet)
        except Exception:  # openpyxl raises many kinds of errors on malformed content
            logger.warning(
                "Import sheet %r unreadable after row %s", self.title, self.last_row_read, exc_info=True
            )
            self.errors.append(RowError(self.title, self.last_row_read + 1, None, UNREADABLE_ROW))
            return []

    def read_known_columns(self, worksheet) -> list[SourceRow]:
        worksheet.reset_dimensions()  # read-only mode trusts the declared size: don't
        # Columns past the known ones are never read: a stray cell in column XFD would otherwise
        # make every row 16,384 cells wide.
        header = next(worksheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), None) or ()
        wanted = {search_key(c.header.rstrip("*")): c for c in self.columns}
        positions: dict[str, int] = {}
        for index, value in enumerate(header):
            column = wanted.get(search_key(cell_text(value).rstrip("*")))
            if column is not None:
                positions[column.name] = index
        missing = [c for c in self.columns if c.required and c.name not in positions]
        for column in missing:
            self.errors.append(RowError(self.title, 1, None, f"Thiếu cột bắt buộc “{column.header}”."))
        if missing:
            return []
        self.last_row_read = 1
        result = []
        # Rows past the limit were refused before; stop there whatever the file says.
        rows = worksheet.iter_rows(
            min_row=2, max_row=MAX_ROW_NUMBER, max_col=max(positions.values()) + 1, values_only=True
        )
        for number, values in enumerate(rows, start=2):
            if not self.add_row(result, number, values, positions):
                return []
            self.last_row_read = number
        return result

    def add_row(self, result: list[SourceRow], number: int, values: tuple, positions: dict[str, int]) -> bool:
        """Add a row with any content to `result`; False (with an error) past the row limit."""
        cells = {name: values[i] if i < len(values) else None for name, i in positions.items()}
        texts = {name: cell_text(v) for name, v in cells.items()}
        if any(texts.values()):
            if len(result) == MAX_ROWS:
                message = f"Trang có hơn {MAX_ROWS:,} dòng dữ liệu; hãy chia thành nhiều tệp.".replace(
                    ",", "."
                )
                self.errors.append(RowError(self.title, number, None, message))
                return False
            result.append(SourceRow(number, texts, cells))
        return True

    def clean_rows(self, rows: list[SourceRow]) -> list[ValidRow]:
        """Each row through the sheet's form; errors name the row and the column."""
        valid = []
        for row in rows:
            form = self.form_class(data=self.form_data(row))
            if form.is_valid():
                valid.append((SourceRow(row.number), form.cleaned_data))
                continue
            for name, messages in form.errors.items():
                for message in messages:
                    self.error(row.number, None if name == "__all__" else name, message)
        return valid

    def form_data(self, row: SourceRow) -> dict[str, Any]:
        data = dict(row.values)
        for name, value in row.cells.items():
            # Real Excel dates go to the form as dates, so no text format can misread them.
            if isinstance(value, datetime.datetime | datetime.date):
                data[name] = value.date() if isinstance(value, datetime.datetime) else value
        return data

    # Checks every sheet shares ---------------------------------------------------

    def units_in_scope(self, codes: set[str]) -> dict[str, Unit]:
        """The rows' units the user may edit, by code."""
        return {u.code: u for u in Unit.objects.editable_by(self.context.user).filter(code__in=codes)}

    def people_by_card(self, cards: set[str]) -> dict[str, Member]:
        """The people with these party card numbers whom the user may read (`known_to`).

        Every sheet looks people up by card here. A card outside the user's reading scope is
        not found, so its row gets the very message of a card that exists nowhere: no message
        names, dates or places a person the user may not read (docs/privacy.md).
        """
        found = Member.objects.known_to(self.context.user).filter(party_card_number__in=cards)
        return {m.party_card_number: m for m in found.select_related("unit").prefetch_related("memberships")}

    def check_unit_code(self, row: SourceRow, code: str, units: dict[str, Unit]) -> bool:
        """The row's unit is in scope, or the “Đơn vị” sheet of the same workbook creates it."""
        if code in units or code in self.context.planned_unit_codes:
            return True
        self.error(row.number, "unit_code", f"Không tìm thấy đơn vị mã “{code}” trong phạm vi quản lý.")
        return False

    def check_unit_existed(
        self, code: str, units: dict[str, Unit], column: str, when: datetime.date | int
    ) -> None:
        """The unit still existed on the row's date, or worked in the row's year (the rule of
        `party.models.units.active_in_year`: it still existed on 1 January, `dissolved_on` being
        its first day without the unit); raises RowProblem on `column`. A unit the workbook
        creates has no dissolution to check."""
        unit = units.get(code)
        if unit is None or unit.dissolved_on is None:
            return
        if isinstance(when, datetime.date):
            existed, day, since = unit.dissolved_on > when, when, f"ngày {when:%d/%m/%Y}"
        else:
            existed, day, since = unit.was_active_in(when), datetime.date(when, 1, 1), f"năm {when}"
        if existed:
            return
        gone = f"Đơn vị “{code}” đã giải thể ngày {unit.dissolved_on:%d/%m/%Y}"
        if unit.dissolved_on == day:
            raise RowProblem(column, f"{gone}: từ ngày đó đơn vị không còn hoạt động.")
        raise RowProblem(column, f"{gone}, trước {since}.")

    def merge_group(
        self, group: list[ValidRow], names: tuple[str, ...], describe: str = ""
    ) -> tuple[dict[str, Any], dict[str, int]] | None:
        """The record cells of the rows of one record (an inspection's findings, a plan's deeds):
        a blank takes the value of the group's other rows; two different values are an error on
        the later row. Returns the values and the row each came from, or None after an error."""
        values: dict[str, Any] = {}
        sources: dict[str, int] = {}
        ok = True
        which = f"{self.record_name} ({describe})" if describe else self.record_name
        for row, data in group:
            for name in names:
                value = data[name]
                if value in BLANK:
                    continue
                if name not in values:
                    values[name], sources[name] = value, row.number
                elif differs(values[name], value):
                    self.error(
                        row.number,
                        name,
                        f"Khác với dòng {sources[name]} của cùng {which}: "
                        f"“{self.show_value(name, values[name])}” và “{self.show_value(name, value)}”. "
                        f"Các dòng của một {self.record_name} phải ghi giống nhau ở cột này (hoặc để trống).",
                    )
                    ok = False
        first_row, first = group[0]
        for name in names:
            if name not in values:
                values[name], sources[name] = first[name], first_row.number
        return (values, sources) if ok else None

    def show_value(self, name: str, value: Any) -> str:
        """A value of the column `name` as messages and the preview show it."""
        return show(value)

    # Planning and writing: subclasses ----------------------------------------

    def plan(self, rows: list[ValidRow]) -> SheetPlan:
        raise NotImplementedError

    def commit(self, plan: SheetPlan) -> None:
        raise NotImplementedError


class ImportContext:
    """What the sheets of one workbook share: the user and the units known so far."""

    def __init__(self, user):
        self.user = user
        self.planned_unit_codes: set[str] = set()
        # What earlier sheets plan, by title, for the sheets that refer to it.
        self.sheet_plans: dict[str, SheetPlan] = {}
