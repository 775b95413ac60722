"""The lists of the review report's exports: the records behind the totals.

Each list is one `values_list` query with its joins, read with `.iterator(chunk_size=CHUNK)` (a
server-side cursor on PostgreSQL) and written row by row, so memory stays flat however long the
list (no row is kept, no query per row: tests/reports/test_export_memory.py). The workbook
writes them as sheets (reports/export_parts.py, which cuts a list too long for one sheet), the
CSV download one list a file (reports/export_csv.py).
Each list holds exactly the records the totals count (docs/report-counting.md): registrations and
awards of the subtree and span, meetings with the Directive-05 content, inspections about it.
Every one of them names people, or carries free text that may, so the aggregate-only workbook
leaves them all out.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.aggregates import StringAgg
from django.db.models.functions import Coalesce

from party.models import (
    ConductingBody,
    Inspection,
    InspectionFinding,
    InspectionKind,
    Meeting,
    MeetingKind,
    PartyStatus,
)
from pledges.models import Award, AwardCategory, Pledge
from reports.export_cells import DATE, INT, WRAP, ListColumn
from reports.queries import Scope

# Rows fetched at a time: fewer than Django's 2,000 keeps less in memory, for no measurable time.
CHUNK = 500
PROGRESS_EVERY = 5000

PARTY_STATUS = dict(PartyStatus.choices)
LEADER_STATUS = {value: f"{label} — lãnh đạo, quản lý" for value, label in PartyStatus.choices}
CATEGORY = dict(AwardCategory.choices)
MEETING_KIND = dict(MeetingKind.choices)
INSPECTION_KIND = dict(InspectionKind.choices)
BODY = dict(ConductingBody.choices)


@dataclass(frozen=True)
class ListSheet:
    """One list: its sheet title, its key (the CSV download's), its columns, which records of a
    scope it holds, the database row read for each, and how that row becomes the list's values."""

    key: str
    title: str
    columns: Sequence[ListColumn]
    source: Callable[[], QuerySet]  # the model's records the list may hold
    date_field: str  # the field that places a record in a year
    select: Callable[[QuerySet], QuerySet]  # ordered `values_list` of the records
    convert: Callable[[tuple], Sequence]

    def records(self, scope: Scope) -> QuerySet:
        """The records of the scope's subtree and span (annotated with year and child, unordered):
        what the list holds, and what is counted."""
        return scope.records(self.source(), self.date_field)

    def rows(self, scope: Scope, where: Q | None = None) -> QuerySet:
        """The list's database rows in order, optionally only those `where` allows."""
        records = self.records(scope)
        return self.select(records.filter(where) if where is not None else records)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


def _registrations(records: QuerySet) -> QuerySet:
    return records.order_by("year", "unit__path", "member__sort_key", "pk").values_list(
        "member__full_name",
        "member__party_status",
        "member__is_leader",
        "unit__short_name",
        "year",
        "deed_count",
        "rating__name",
    )


def _registration_row(row: tuple) -> tuple:
    name, status, leader, unit, year, deeds, rating = row
    # Leaders are marked in the status column: a column of their own would cost a cell a row
    # (the cell writer is most of the time of a 500,000-row export).
    who = LEADER_STATUS.get(status) if leader else PARTY_STATUS.get(status)
    return (name, who, unit, year, deeds, rating)


def _awards(records: QuerySet) -> QuerySet:
    return records.order_by("decision_date", "pk").values_list(
        "decision_date",
        "decision_number",
        "form__category",
        "form__name",
        "issuer__name",
        "recipient_member__full_name",
        "recipient_unit__short_name",
        "was_party_member",
        "unit__short_name",
        "achievement",
    )


def _award_row(row: tuple) -> tuple:
    decided, number, category, form, issuer, person, collective, was_party, unit, achievement = row
    who = "Tập thể"
    if person:
        who = "Cá nhân — đảng viên" if was_party else "Cá nhân — người lao động"
    return (
        decided,
        number,
        CATEGORY.get(category, ""),
        form,
        issuer,
        person or collective,
        who,
        unit,
        achievement,
    )


def _meetings(records: QuerySet) -> QuerySet:
    return records.order_by("held_on", "unit__path", "pk").values_list(
        "held_on", "unit__short_name", "kind", "topic", "attendance_present", "attendance_expected"
    )


def _meeting_row(row: tuple) -> tuple:
    held_on, unit, kind, topic, present, expected = row
    return (held_on, unit, MEETING_KIND.get(kind, ""), topic, present, expected)


def _names(field: str) -> Subquery:
    """The targets of an inspection as one text, in a subquery (no query per row)."""
    through = Inspection._meta.get_field(field).remote_field.through
    target = "unit__short_name" if field == "target_units" else "member__full_name"
    return Subquery(
        through.objects.filter(inspection_id=OuterRef("pk"))
        .order_by()
        .values("inspection_id")
        .annotate(names=StringAgg(target, Value("; ")))
        .values("names")
    )


def _finding_count(**conditions) -> Coalesce:
    counted = (
        InspectionFinding.objects.filter(inspection_id=OuterRef("pk"), **conditions)
        .order_by()
        .values("inspection_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _inspections(records: QuerySet) -> QuerySet:
    return (
        records.annotate(
            unit_targets=_names("target_units"),
            member_targets=_names("target_members"),
            finding_count=_finding_count(),
            remedied_count=_finding_count(closed_on__isnull=False),
        )
        .order_by("started_on", "unit__path", "pk")
        .values_list(
            "started_on",
            "ended_on",
            "unit__short_name",
            "kind",
            "conducted_by",
            "subject",
            "unit_targets",
            "member_targets",
            "finding_count",
            "remedied_count",
            "conclusion",
        )
    )


def _inspection_row(row: tuple) -> tuple:
    started, ended, unit, kind, body, subject, units, members, findings, remedied, conclusion = row
    targets = "; ".join(part for part in (units, members) if part)
    return (
        started,
        ended,
        unit,
        INSPECTION_KIND.get(kind, ""),
        BODY.get(body, ""),
        subject,
        targets,
        findings,
        remedied,
        conclusion,
    )


LIST_SHEETS = [
    ListSheet(
        "registrations",
        "Đăng ký",
        [
            ListColumn("Họ và tên", 28),
            ListColumn("Đối tượng", 30),
            ListColumn("Đơn vị đăng ký", 28),
            ListColumn("Năm", 8, INT),
            ListColumn("Số việc làm", 10, INT),
            ListColumn("Xếp loại", 28),
        ],
        Pledge.objects.all,
        "year",
        _registrations,
        _registration_row,
    ),
    ListSheet(
        "awards",
        "Khen thưởng",
        [
            ListColumn("Ngày quyết định", 12, DATE),
            ListColumn("Số quyết định", 14),
            ListColumn("Nhóm", 16),
            ListColumn("Hình thức", 22, WRAP),
            ListColumn("Cấp khen", 24, WRAP),
            ListColumn("Tập thể, cá nhân được khen", 28, WRAP),
            ListColumn("Đối tượng", 22),
            ListColumn("Đơn vị", 24, WRAP),
            ListColumn("Thành tích", 50, WRAP),
        ],
        Award.objects.all,
        Award.year_field,
        _awards,
        _award_row,
    ),
    ListSheet(
        "meetings",
        "Sinh hoạt chi bộ",
        [
            ListColumn("Ngày sinh hoạt", 12, DATE),
            ListColumn("Chi bộ", 28, WRAP),
            ListColumn("Hình thức", 20),
            ListColumn("Nội dung, chủ đề", 60, WRAP),
            ListColumn("Số có mặt", 10, INT),
            ListColumn("Số phải dự", 10, INT),
        ],
        lambda: Meeting.objects.filter(includes_directive=True),
        Meeting.year_field,
        _meetings,
        _meeting_row,
    ),
    ListSheet(
        "inspections",
        "Kiểm tra, giám sát",
        [
            ListColumn("Ngày bắt đầu", 12, DATE),
            ListColumn("Ngày kết thúc", 12, DATE),
            ListColumn("Đơn vị tiến hành", 24, WRAP),
            ListColumn("Loại", 10),
            ListColumn("Chủ thể tiến hành", 20, WRAP),
            ListColumn("Nội dung", 40, WRAP),
            ListColumn("Tổ chức, đảng viên được kiểm tra, giám sát", 36, WRAP),
            ListColumn("Nội dung cần khắc phục", 12, INT),
            ListColumn("Đã khắc phục", 12, INT),
            ListColumn("Kết luận", 50, WRAP),
        ],
        lambda: Inspection.objects.filter(about_directive=True),
        Inspection.year_field,
        _inspections,
        _inspection_row,
    ),
]


class Progress:
    """Counts list rows over all sheets and reports every `PROGRESS_EVERY` of them."""

    def __init__(self, report: Callable[[int], None] | None) -> None:
        self.report = report
        self.rows = 0

    def tick(self) -> None:
        self.rows += 1
        if self.report and self.rows % PROGRESS_EVERY == 0:
            self.report(self.rows)


def stream(queryset: QuerySet) -> Iterator[tuple]:
    """A list's rows, fetched `CHUNK` at a time."""
    return queryset.iterator(chunk_size=CHUNK)


def list_row_estimate(scope: Scope) -> int:
    """How many list rows the workbook will have: one count per list."""
    return sum(sheet.records(scope).count() for sheet in LIST_SHEETS)


def list_sheet(key: str) -> ListSheet:
    return next(sheet for sheet in LIST_SHEETS if sheet.key == key)
