"""What the review report shows, in what order and under which Vietnamese labels.

The page, the print view and the Excel export all read the report through this module, so a
figure has one label and one place in every output: `summary_sections()` for the totals,
`BREAKDOWN_COLUMNS` for the tables by year and by child unit, `formal_heading()` for the heading.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from party.models import ConferenceKind, DocumentKind, InspectionKind, Unit
from pledges.models import AwardCategory, PracticeKind
from reports.totals import EMPLOYEE, PARTY_MEMBER, Figures, ReportTotals


@dataclass
class Line:
    label: str
    value: int | float | None
    is_share: bool = False  # a fraction 0..1, shown as a percentage
    level: int = 0  # 1: a part of the line above
    link: str = ""  # the records behind the figure (the page only)


@dataclass
class Section:
    title: str
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Figures], int | float | None]
    is_share: bool = False


@dataclass(frozen=True)
class Heading:
    superior: str  # the body above the issuer, e.g. "ĐẢNG BỘ TỈNH ..."; empty at the top
    issuer: str
    party_line: str
    place_date: str
    title: str
    subtitle: str


def span_label(first_year: int, last_year: int) -> str:
    """ "năm 2025" or "2 năm 2024-2025": the span as the report's sentences name it."""
    if first_year == last_year:
        return f"năm {first_year}"
    return f"{last_year - first_year + 1} năm {first_year}-{last_year}"


def formal_heading(unit: Unit, first_year: int, last_year: int) -> Heading:
    """The heading of a Party document: superior body, issuer, party line, place and date, title."""
    # One query even at the top of the tree (no parent), so every report runs the same number.
    parent = Unit.objects.filter(path=unit.path[: -Unit.steplen]).first()
    if first_year == last_year:
        subtitle = f"Kết quả học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm {first_year}"
    else:
        subtitle = (
            "Kết quả học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh "
            f"giai đoạn {first_year}-{last_year}"
        )
    return Heading(
        superior=parent.name.upper() if parent else "",
        issuer=_issuing_body(unit.name).upper(),
        party_line="ĐẢNG CỘNG SẢN VIỆT NAM",
        place_date="…………, ngày …… tháng …… năm ……",
        title="BÁO CÁO",
        subtitle=f"{subtitle} (thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị)",
    )


def _issuing_body(name: str) -> str:
    """A party committee (đảng bộ) reports through its executive committee (đảng ủy)."""
    if name.lower().startswith("đảng bộ "):
        return "Đảng ủy " + name[len("đảng bộ ") :]
    return name


class Links:
    """URLs of the record lists behind each figure, narrowed to the unit and the span."""

    def __init__(self, totals: ReportTotals, enabled: bool = True) -> None:
        self.enabled = enabled
        self.base = {"unit": totals.unit.pk, "year_from": totals.first_year, "year_to": totals.last_year}

    def __call__(self, url_name: str, **params) -> str:
        if not self.enabled:
            return ""
        return f"{reverse(url_name)}?{urlencode(self.base | params)}"


def summary_sections(totals: ReportTotals, *, links: bool = True) -> list[Section]:
    """The totals of the report, section by section, in the order of an official review."""
    t = totals.total
    link = Links(totals, enabled=links)
    return [
        _documents(t, link),
        _plans(t, link),
        _registrations(t, link),
        _meetings(t, link),
        _inspections(t, link),
        *(_recognitions(t, category, link) for category in (AwardCategory.AWARD, AwardCategory.COMMENDATION)),
        _counted_by_kind(
            "Mô hình, cách làm hay, gương điển hình",
            "Mô hình, cách làm hay, gương điển hình",
            t.practices,
            PracticeKind.choices,
            link,
            "practices_list",
        ),
        _counted_by_kind(
            "Hội nghị, sự kiện",
            "Hội nghị, sự kiện",
            t.conferences,
            ConferenceKind.choices,
            link,
            "conferences_list",
        ),
    ]


def _documents(t: Figures, link: Links) -> Section:
    return _counted_by_kind(
        "Văn bản lãnh đạo, chỉ đạo",
        "Văn bản đã ban hành",
        t.documents,
        DocumentKind.choices,
        link,
        "documents_list",
    )


def _counted_by_kind(title: str, total_label: str, counts, choices, link: Links, url_name: str) -> Section:
    lines = [Line(total_label, sum(counts.values()), link=link(url_name))]
    lines += [
        Line(label, counts[value], level=1, link=link(url_name, kind=value))
        for value, label in choices
        if counts[value]
    ]
    return Section(title, lines)


def _plans(t: Figures, link: Links) -> Section:
    return Section(
        "Kế hoạch làm theo",
        [
            Line("Kế hoạch của chi bộ", t.cell_plans, link=link("report_plans", kind="cell")),
            Line("Việc làm theo Bác trong kế hoạch của chi bộ", t.cell_plan_deeds, level=1),
            Line("Tỷ lệ chi bộ có kế hoạch", t.cell_plan_share, is_share=True, level=1),
            Line("Kế hoạch của tổ chức đoàn thể", t.org_plans, link=link("report_plans", kind="org")),
            Line("Việc làm theo Bác trong kế hoạch của đoàn thể", t.org_plan_deeds, level=1),
            Line("Tỷ lệ tổ chức đoàn thể có kế hoạch", t.org_plan_share, is_share=True, level=1),
        ],
    )


def _registrations(t: Figures, link: Links) -> Section:
    return Section(
        "Đăng ký học tập và làm theo",
        [
            Line("Lượt đăng ký", t.registrations, link=link("report_registrations")),
            Line("Số người đăng ký", t.people, level=1),
            Line("Việc làm đã đăng ký", t.registration_deeds, level=1),
            Line(
                "Tỷ lệ người đăng ký (trên số người thuộc đơn vị)",
                t.registration_share,
                is_share=True,
                level=1,
            ),
            Line(
                "Lượt đăng ký của đảng viên",
                t.party_registrations,
                link=link("report_registrations", who="party"),
            ),
            Line("Số đảng viên đăng ký", t.party_people, level=1),
            Line("Việc làm đảng viên đã đăng ký", t.party_registration_deeds, level=1),
            Line(
                "Lượt đăng ký của người lao động (quần chúng)",
                t.employee_registrations,
                link=link("report_registrations", who="employee"),
            ),
            Line("Số người lao động đăng ký", t.employee_people, level=1),
            Line("Việc làm người lao động đã đăng ký", t.employee_registration_deeds, level=1),
            Line(
                "Lượt đăng ký của cán bộ lãnh đạo, quản lý",
                t.leader_registrations,
                link=link("report_registrations", who="leader"),
            ),
            Line("Việc làm cán bộ lãnh đạo, quản lý đã đăng ký", t.leader_registration_deeds, level=1),
        ],
    )


def _meetings(t: Figures, link: Links) -> Section:
    return Section(
        "Sinh hoạt chi bộ",
        [
            Line(
                "Lượt chi bộ sinh hoạt có nội dung Chỉ thị 05",
                t.meetings,
                link=link("meetings_list", directive=1),
            ),
            Line("Lượt đảng viên tham gia học tập", t.meeting_attendance, level=1),
        ],
    )


def _inspections(t: Figures, link: Links) -> Section:
    def inspections(kind: str, by: str) -> str:
        return link("inspections_list", directive=1, kind=kind, by=by)

    return Section(
        "Kiểm tra, giám sát việc thực hiện Chỉ thị 05",
        [
            Line(
                "Cuộc kiểm tra của cấp ủy, ủy ban kiểm tra",
                t.committee_inspections,
                link=inspections(InspectionKind.INSPECTION, "committee"),
            ),
            Line(
                "Cuộc giám sát của cấp ủy, ủy ban kiểm tra",
                t.committee_supervisions,
                link=inspections(InspectionKind.SUPERVISION, "committee"),
            ),
            Line(
                "Cuộc kiểm tra của chi bộ",
                t.cell_inspections,
                link=inspections(InspectionKind.INSPECTION, "cell"),
            ),
            Line(
                "Cuộc giám sát của chi bộ",
                t.cell_supervisions,
                link=inspections(InspectionKind.SUPERVISION, "cell"),
            ),
            Line("Nội dung cần khắc phục", t.findings, link=link("inspections_list", directive=1)),
            Line("Đã khắc phục", t.findings_remedied, level=1),
        ],
    )


RECOGNITION_TITLES = {
    AwardCategory.AWARD: "Khen thưởng",
    AwardCategory.COMMENDATION: "Biểu dương, tuyên dương",
}


def _recognitions(t: Figures, category: str, link: Links) -> Section:
    verb = "được khen thưởng" if category == AwardCategory.AWARD else "được biểu dương"
    individual = t.awards_individual if category == AwardCategory.AWARD else t.commendations_individual
    collective = t.awards_collective if category == AwardCategory.AWARD else t.commendations_collective
    return Section(
        RECOGNITION_TITLES[category],
        [
            Line(f"Tập thể {verb}", collective, link=link("awards_list", kind=category)),
            Line(f"Cá nhân {verb}", individual, link=link("awards_list", kind=category)),
            Line("Đảng viên", t.recognition_count(category, PARTY_MEMBER), level=1),
            Line("Người lao động (quần chúng)", t.recognition_count(category, EMPLOYEE), level=1),
        ],
    )


def _count(name: str) -> Callable[[Figures], int]:
    return lambda figures: getattr(figures, name)


BREAKDOWN_COLUMNS: list[Column] = [
    Column("Văn bản", lambda f: f.document_count),
    Column("Kế hoạch chi bộ", _count("cell_plans")),
    Column("Việc làm (KH chi bộ)", _count("cell_plan_deeds")),
    Column("Tỷ lệ chi bộ có KH", lambda f: f.cell_plan_share, is_share=True),
    Column("Kế hoạch đoàn thể", _count("org_plans")),
    Column("Việc làm (KH đoàn thể)", _count("org_plan_deeds")),
    Column("Lượt đăng ký", _count("registrations")),
    Column("Người đăng ký", _count("people")),
    Column("Việc làm đăng ký", _count("registration_deeds")),
    Column("Lượt đảng viên", _count("party_registrations")),
    Column("Lượt người lao động", _count("employee_registrations")),
    Column("Lượt lãnh đạo", _count("leader_registrations")),
    Column("Tỷ lệ đăng ký", lambda f: f.registration_share, is_share=True),
    Column("Lượt chi bộ SH Chỉ thị 05", _count("meetings")),
    Column("Lượt ĐV học tập", _count("meeting_attendance")),
    Column("Kiểm tra, giám sát của cấp ủy", lambda f: f.committee_checks),
    Column("Kiểm tra, giám sát của chi bộ", lambda f: f.cell_checks),
    Column("Nội dung cần khắc phục", _count("findings")),
    Column("Đã khắc phục", _count("findings_remedied")),
    Column("Khen thưởng tập thể", lambda f: f.awards_collective),
    Column("Khen thưởng cá nhân", lambda f: f.awards_individual),
    Column("Biểu dương tập thể", lambda f: f.commendations_collective),
    Column("Biểu dương cá nhân", lambda f: f.commendations_individual),
    Column("Mô hình, gương", lambda f: sum(f.practices.values())),
    Column("Hội nghị, sự kiện", lambda f: sum(f.conferences.values())),
]


def breakdown_row(figures: Figures) -> list[int | float | None]:
    return [column.value(figures) for column in BREAKDOWN_COLUMNS]


@dataclass
class RatingTable:
    """Registrations at each rating level (columns) per year (rows), under each year's rule."""

    levels: list[str]
    rows: list[tuple[int, list[int]]]
    totals: list[int]


def rating_table(totals: ReportTotals) -> RatingTable:
    levels = totals.rating_levels
    rows = [(year, [totals.by_year[year].ratings[level.pk] for level in levels]) for year in totals.years]
    column_totals = [sum(row[index] for _year, row in rows) for index in range(len(levels))]
    labels = [f"{level.name} ({level.scale_name})" if level.scale_name else level.name for level in levels]
    return RatingTable(labels, rows, column_totals)
