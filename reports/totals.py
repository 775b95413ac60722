"""The counting core of the review report (sơ kết / tổng kết): every total of a unit's subtree
over a span of calendar years, by year and by direct child unit.

`report_totals()` runs a fixed number of grouped queries (see `QUERY_COUNT`), whatever the size of
the subtree or the span; the counting rules are in docs/report-counting.md.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field, fields

from party.models import ConductingBody, InspectionKind, Unit, UnitKind
from party.models.units import active_in_year
from pledges.models import AwardCategory
from reports import queries
from reports.queries import CHILD, YEAR, Scope

# Who received an award (the third part of a `Figures.recognitions` key).
COLLECTIVE = "collective"
PARTY_MEMBER = "party_member"
EMPLOYEE = "employee"

# units, plan units, plans, registrations, people (folded), movers by child, movers in all,
# documents, meetings, inspections, findings, awards, practices, conferences.
QUERY_COUNT = 14


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    """Every figure of the report for one cell of a breakdown (or for the whole report)."""

    documents: Counter = field(default_factory=Counter)  # by DocumentKind
    cell_plans: int = 0
    cell_plan_deeds: int = 0
    org_plans: int = 0  # plans of mass organizations
    org_plan_deeds: int = 0
    cell_years: int = 0  # cells active, summed over the years: the denominator of the plan share
    org_years: int = 0
    registrations: int = 0  # "lượt": one a person and year
    registration_deeds: int = 0
    party_registrations: int = 0
    party_registration_deeds: int = 0
    employee_registrations: int = 0
    employee_registration_deeds: int = 0
    leader_registrations: int = 0
    leader_registration_deeds: int = 0
    people: int = 0  # distinct people who registered
    party_people: int = 0
    employee_people: int = 0
    member_years: int = 0  # people who belonged, summed over the years: the registration share's whole
    meetings: int = 0  # "lượt chi bộ" that included the Directive-05 content
    meeting_attendance: int = 0  # "lượt đảng viên tham gia học tập"
    committee_inspections: int = 0
    committee_supervisions: int = 0
    cell_inspections: int = 0
    cell_supervisions: int = 0
    findings: int = 0
    findings_remedied: int = 0
    cell_findings: int = 0
    cell_findings_remedied: int = 0
    recognitions: Counter = field(default_factory=Counter)  # (AwardCategory, issuer, recipient)
    practices: Counter = field(default_factory=Counter)  # by PracticeKind
    conferences: Counter = field(default_factory=Counter)  # by ConferenceKind
    ratings: Counter = field(default_factory=Counter)  # by RatingLevel pk; None: not rated yet

    def add(self, other: "Figures") -> None:
        # Called three times for every (year, child) cell of a report: the field lists are worked
        # out once and the fields read from the instance dicts.
        mine, theirs = self.__dict__, other.__dict__
        for name in _NUMBER_FIELDS:
            mine[name] += theirs[name]
        for name in _COUNTER_FIELDS:
            mine[name].update(theirs[name])

    @property
    def document_count(self) -> int:
        return sum(self.documents.values())

    @property
    def cell_plan_share(self) -> float | None:
        """Plans of cells per cell active (per year; over a span, per cell-year)."""
        return _share(self.cell_plans, self.cell_years)

    @property
    def org_plan_share(self) -> float | None:
        return _share(self.org_plans, self.org_years)

    @property
    def registration_share(self) -> float | None:
        """Registrations per person who belonged (per year; over a span, per person-year)."""
        return _share(self.registrations, self.member_years)

    @property
    def committee_checks(self) -> int:
        return self.committee_inspections + self.committee_supervisions

    @property
    def cell_checks(self) -> int:
        return self.cell_inspections + self.cell_supervisions

    def recognition_count(self, category: str, recipient: str | None = None) -> int:
        """Commendations or awards, of one kind of recipient or all."""
        return sum(
            count
            for (cat, _issuer, who), count in self.recognitions.items()
            if cat == category and recipient in (None, who)
        )

    @property
    def awards_collective(self) -> int:
        return self.recognition_count(AwardCategory.AWARD, COLLECTIVE)

    @property
    def awards_individual(self) -> int:
        return self.recognition_count(AwardCategory.AWARD, PARTY_MEMBER) + self.recognition_count(
            AwardCategory.AWARD, EMPLOYEE
        )

    @property
    def commendations_collective(self) -> int:
        return self.recognition_count(AwardCategory.COMMENDATION, COLLECTIVE)

    @property
    def commendations_individual(self) -> int:
        return self.recognition_count(AwardCategory.COMMENDATION, PARTY_MEMBER) + self.recognition_count(
            AwardCategory.COMMENDATION, EMPLOYEE
        )


_COUNTER_FIELDS = tuple(f.name for f in fields(Figures) if f.default_factory is Counter)
_NUMBER_FIELDS = tuple(f.name for f in fields(Figures) if f.default_factory is not Counter)


@dataclass
class IssuerRow:
    """One row of the issuer × recipients table of awards (or of commendations)."""

    issuer: str
    collectives: int
    party_members: int
    employees: int

    @property
    def individuals(self) -> int:
        return self.party_members + self.employees


@dataclass
class ChildRow:
    """A row of the breakdown by direct child; the unit's own records come first (`is_self`)."""

    unit: Unit
    is_self: bool
    figures: Figures


@dataclass
class RatingLevelInfo:
    """A rating level seen in the span, with the rule (scale) it belongs to."""

    pk: int | None  # None: registrations not rated yet
    name: str
    position: int
    scale_name: str
    effective_from: datetime.date | None


@dataclass
class ReportTotals:
    unit: Unit
    first_year: int
    last_year: int
    total: Figures
    by_year: dict[int, Figures]  # every year of the span, in order
    by_child: list[ChildRow]  # the unit itself, then its direct children in tree order
    issuers: list[str]  # issuers seen in the span, in their reference order
    rating_levels: list[RatingLevelInfo]  # by rule, then best level first; "not rated" last

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def award_table(self, category: str, figures: Figures | None = None) -> list[IssuerRow]:
        """Issuer × collectives / party members / employees, for issuers with any of `category`."""
        counts = (figures or self.total).recognitions
        rows = [
            IssuerRow(
                issuer,
                counts[category, issuer, COLLECTIVE],
                counts[category, issuer, PARTY_MEMBER],
                counts[category, issuer, EMPLOYEE],
            )
            for issuer in self.issuers
        ]
        return [row for row in rows if row.collectives or row.individuals]


def report_totals(unit: Unit, first_year: int, last_year: int) -> ReportTotals:
    """Every total of the review report for `unit`'s subtree over the calendar years given."""
    if first_year > last_year:
        raise ValueError("first_year must not be after last_year")
    scope = Scope(unit, first_year, last_year)
    cells: dict[tuple[int, str], Figures] = {}

    def cell(year: int, child: str) -> Figures:
        key = (year, child)
        if key not in cells:
            cells[key] = Figures()
        return cells[key]

    child_units = list(queries.units(scope))
    _count_plan_units(scope, cell)
    for row in queries.plans(scope):
        figures = cell(row[YEAR], row[CHILD])
        if row["unit__kind"] in UnitKind.cells():
            figures.cell_plans += row["n"]
            figures.cell_plan_deeds += row["deeds"]
        elif row["unit__kind"] == UnitKind.MASS_ORGANIZATION:
            figures.org_plans += row["n"]
            figures.org_plan_deeds += row["deeds"]
    levels = _count_pledges(scope, cell)
    issuers = _count_records(scope, cell)

    total = Figures()
    by_year = {year: Figures() for year in scope.years}
    by_child = {child.path: Figures() for child in child_units}
    for (year, child), figures in cells.items():
        total.add(figures)
        by_year[year].add(figures)
        by_child[child].add(figures)
    _count_people(scope, total, by_year, by_child)

    return ReportTotals(
        unit=unit,
        first_year=first_year,
        last_year=last_year,
        total=total,
        by_year=by_year,
        by_child=[
            ChildRow(child, is_self=child.path == unit.path, figures=by_child[child.path])
            for child in child_units
        ],
        issuers=[name for _order, name in sorted(issuers)],
        rating_levels=sorted(
            levels.values(),
            key=lambda lv: (lv.pk is None, lv.effective_from or datetime.date.min, lv.position),
        ),
    )


def _count_plan_units(scope: Scope, cell) -> None:
    for row in queries.plan_units(scope):
        for year in scope.years:
            if active_in_year(row["dissolved_on"], year):
                figures = cell(year, row[CHILD])
                if row["kind"] == UnitKind.MASS_ORGANIZATION:
                    figures.org_years += row["n"]
                else:
                    figures.cell_years += row["n"]


def _count_pledges(scope: Scope, cell) -> dict[int | None, RatingLevelInfo]:
    levels: dict[int | None, RatingLevelInfo] = {}
    for row in queries.pledges(scope):
        figures = cell(row[YEAR], row[CHILD])
        n, deeds = row["n"], row["deeds"]
        figures.registrations += n
        figures.registration_deeds += deeds
        figures.party_registrations += row["party_n"]
        figures.party_registration_deeds += row["party_deeds"]
        figures.employee_registrations += n - row["party_n"]
        figures.employee_registration_deeds += deeds - row["party_deeds"]
        figures.leader_registrations += row["leader_n"]
        figures.leader_registration_deeds += row["leader_deeds"]
        level = row["rating_id"]
        figures.ratings[level] += n
        if level not in levels:
            levels[level] = RatingLevelInfo(
                pk=level,
                name=row["rating_name"] or "Chưa xếp loại",
                position=row["rating_position"] or 0,
                scale_name=row["rating_scale_name"] or "",
                effective_from=row["rating_effective_from"],
            )
    return levels


def _count_records(scope: Scope, cell) -> list[tuple[int, str]]:
    """Documents, meetings, inspections, findings, awards, practices, conferences; returns the
    issuers seen, as (sort order, name)."""
    for row in queries.documents(scope):
        cell(row[YEAR], row[CHILD]).documents[row["kind"]] += row["n"]
    for row in queries.meetings(scope):
        figures = cell(row[YEAR], row[CHILD])
        figures.meetings += row["n"]
        figures.meeting_attendance += row["present"]
    for row in queries.inspections(scope):
        figures = cell(row[YEAR], row[CHILD])
        by_cell = row["conducted_by"] == ConductingBody.CELL
        if row["kind"] == InspectionKind.INSPECTION:
            name = "cell_inspections" if by_cell else "committee_inspections"
        else:
            name = "cell_supervisions" if by_cell else "committee_supervisions"
        setattr(figures, name, getattr(figures, name) + row["n"])
    for row in queries.findings(scope):
        figures = cell(row[YEAR], row[CHILD])
        figures.findings += row["n"]
        figures.findings_remedied += row["remedied"]
        figures.cell_findings += row["by_cells"]
        figures.cell_findings_remedied += row["remedied_by_cells"]
    issuers: set[tuple[int, str]] = set()
    for row in queries.awards(scope):
        if not row["individual"]:
            recipient = COLLECTIVE
        else:
            recipient = PARTY_MEMBER if row["was_party_member"] else EMPLOYEE
        key = (row["form__category"], row["issuer__name"], recipient)
        cell(row[YEAR], row[CHILD]).recognitions[key] += row["n"]
        issuers.add((row["issuer__sort_order"], row["issuer__name"]))
    for row in queries.practices(scope):
        cell(row[YEAR], row[CHILD]).practices[row["kind"]] += row["n"]
    for row in queries.conferences(scope):
        cell(row[YEAR], row[CHILD]).conferences[row["kind"]] += row["n"]
    return list(issuers)


def _count_people(
    scope: Scope, total: Figures, by_year: dict[int, Figures], by_child: dict[str, Figures]
) -> None:
    """Figures that do not add up: a person is counted once however many years or units.

    In a year a person registers at most once, so a year's people are its registrations. People
    with one unit and period (folded) add up across children; a mover counts once in each child
    they were in and once in the whole subtree, which their own queries count.
    """
    for figures in by_year.values():
        figures.people = figures.registrations
        figures.party_people = figures.party_registrations
        figures.employee_people = figures.employee_registrations
    for row in queries.people(scope):
        for figures in (by_child[row[CHILD]], total):
            _add_people(figures, row["party_member"], row["registered_people"])
        for year in scope.years:
            by_child[row[CHILD]].member_years += row[f"belonged_{year}"]
            by_year[year].member_years += row[f"belonged_{year}"]
    for row in queries.movers_by_child(scope):
        _add_people(by_child[row[CHILD]], row["party_member"], row["registered_people"])
        by_child[row[CHILD]].member_years += sum(row[f"belonged_{year}"] for year in scope.years)
    for row in queries.movers_in_all(scope):
        _add_people(total, row["party_member"], row["registered_people"])
        for year in scope.years:
            by_year[year].member_years += row[f"belonged_{year}"]
    total.member_years = sum(figures.member_years for figures in by_year.values())


def _add_people(figures: Figures, party: bool, n: int) -> None:
    figures.people += n
    if party:
        figures.party_people += n
    else:
        figures.employee_people += n
