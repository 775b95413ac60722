"""The import mechanism: sheets described once, read into a plan, previewed, then committed.

A workbook is read sheet by sheet in the order of `SHEETS` (units before the
members who belong to them). Each sheet turns its rows into a `SheetPlan` of
creations and updates, or into `RowError`s naming sheet, row and column. Nothing
is written unless the whole workbook has no error; then every sheet commits in
one transaction. Later features add their sheets by subclassing `Sheet`.
"""

import datetime
import logging
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from openpyxl.utils import get_column_letter

from party.imports.safety import MAX_ROW_NUMBER
from party.models import Member, Unit
from party.text import search_key

DATE_FORMATS = ["%d/%m/%Y"]
logger = logging.getLogger(__name__)
UNREADABLE_ROW = (
    "Không đọc được nội dung từ dòng này (ô có giá trị sai kiểu hoặc tệp bị hỏng); không dữ liệu nào "
    "được ghi. Hãy mở tệp bằng Excel, kiểm tra các ô của dòng, lưu lại rồi tải lên."
)


# One request previews a workbook: 20,000 rows take about 8 s here (see make bench).
MAX_ROWS = 20_000
MAX_COLUMNS = 60


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its Vietnamese header, the form field name, guidance text."""

    header: str
    name: str
    required: bool = False
    help: str = ""
    example: tuple[Any, ...] = ()
    text_format: bool = False  # keep leading zeros: the template formats the column as text
    width: int = 18


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


@dataclass
class RowAction:
    """What one row will do: create a record, or update it with the listed changes."""

    row: int
    action: str  # "create" | "update" | "unchanged"
    label: str
    changes: list[str] = field(default_factory=list)
    payload: Any = None

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


@dataclass
class SourceRow:
    number: int
    values: dict[str, str]
    cells: dict[str, Any]


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


class LabelChoiceField(forms.ChoiceField):
    """A choice typed as its Vietnamese label, forgiving case and diacritics ("dang vien du bi")."""

    def __init__(self, *, choices, aliases: dict[str, str] | None = None, **kwargs):
        super().__init__(choices=choices, **kwargs)
        self.lookup = {search_key(str(label)): value for value, label in choices}
        self.lookup.update({search_key(value): value for value, _ in choices})
        self.lookup.update({search_key(alias): value for alias, value in (aliases or {}).items()})

    def to_python(self, value):
        value = super().to_python(value)
        return self.lookup.get(search_key(value), value) if value else value

    def validate(self, value):
        if value and value not in dict(self.choices):
            labels = ", ".join(f"“{label}”" for _, label in self.choices if _ != "")
            raise forms.ValidationError(f"Giá trị “{value}” không hợp lệ; chọn một trong: {labels}.")
        super().validate(value)


class UnitCodeField(forms.CharField):
    """A unit code, upper-cased so that “cb-vp” in one sheet is “CB-VP” in another."""

    def __init__(self, **kwargs):
        super().__init__(max_length=30, **kwargs)

    def clean(self, value):
        return super().clean(value).strip().upper()


class YesNoField(forms.Field):
    """“Có” / “Không”; a blank cell gives `blank` (None: “not given”, so an update keeps the stored value)."""

    YES = {"co", "x", "yes", "1", "true", "dung"}
    NO = {"khong", "no", "0", "false", "sai"}

    def __init__(self, *, blank: bool | None = False, **kwargs):
        super().__init__(**kwargs)
        self.blank = blank

    def to_python(self, value):
        key = search_key(value or "")
        if not key:
            return self.blank
        if key in self.YES:
            return True
        if key in self.NO:
            return False
        raise forms.ValidationError("Ghi “Có”, “Không” hoặc để trống.")


class Sheet:
    """A sheet of the import workbook. Subclasses set the columns and turn rows into actions."""

    title: ClassVar[str]
    guidance: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    form_class: ClassVar[type[forms.Form]]

    def __init__(self, context: "ImportContext"):
        self.context = context
        self.errors: list[RowError] = []

    # Reading -----------------------------------------------------------------

    def column_label(self, name: str) -> str:
        for index, column in enumerate(self.columns, start=1):
            if column.name == name:
                return f"{get_column_letter(index)} “{column.header}”"
        return name

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

    def clean_rows(self, rows: list[SourceRow]) -> list[tuple[SourceRow, dict]]:
        """Each row through the sheet's form; errors name the row and the column."""
        valid = []
        for row in rows:
            form = self.form_class(data=self.form_data(row))
            if form.is_valid():
                valid.append((row, form.cleaned_data))
                continue
            for name, messages in form.errors.items():
                for message in messages:
                    self.error(row.number, None if name == "__all__" else name, message)
        return valid

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

    def form_data(self, row: SourceRow) -> dict[str, Any]:
        data = dict(row.values)
        for name, value in row.cells.items():
            # Real Excel dates go to the form as dates, so no text format can misread them.
            if isinstance(value, datetime.datetime | datetime.date):
                data[name] = value.date() if isinstance(value, datetime.datetime) else value
        return data

    # Planning and writing: subclasses ----------------------------------------

    def plan(self, rows: list[SourceRow]) -> SheetPlan:
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
