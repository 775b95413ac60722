"""seed_demo's work records: meetings, inspections, documents, conferences, awards, good practices.

One database per test holds the small demo and a tiny province (`--scale` with 30 units, 500
people, 2 years), so every check runs on both trees.
"""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import F, Q

from party.demo.committee import ROOT_CODE, build_demo
from party.demo.province import SCALE_ROOT_CODE
from party.models import (
    ConductingBody,
    Conference,
    ConferenceKind,
    Document,
    DocumentKind,
    Inspection,
    InspectionFinding,
    Meeting,
    MeetingKind,
    Member,
    Membership,
    Theme,
    ThemeKind,
    Unit,
    UnitKind,
)
from pledges.demo.recognition import build_records
from pledges.models import Award, AwardForm, AwardIssuer, GoodPractice, PracticeKind
from tests.conftest import delete_demo

RECORDS = [Meeting, Inspection, Document, Conference, Award, GoodPractice]
TODAY = datetime.date.today()
THIS_YEAR = TODAY.year
COMMITTEES = [UnitKind.PARTY_COMMITTEE, UnitKind.GRASSROOTS_COMMITTEE, UnitKind.PARTIAL_COMMITTEE]


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def output(db) -> str:
    return seed() + seed("--scale", "--units", "30", "--members", "500", "--years", "2")


def trees() -> list[tuple[Unit, range]]:
    """Each tree with its years: three for the demo, two for the tiny province."""
    return [
        (Unit.objects.get(code=ROOT_CODE), range(THIS_YEAR - 2, THIS_YEAR + 1)),
        (Unit.objects.get(code=SCALE_ROOT_CODE), range(THIS_YEAR - 1, THIS_YEAR + 1)),
    ]


def in_tree(model, root: Unit):
    return model.objects.filter(unit__path__startswith=root.path)


# From when each kind surely has rows in the current year (month, day); earlier years must have all.
READY = {
    Meeting: (3, 1),
    Document: (3, 1),
    Inspection: (12, 1),
    Conference: (8, 1),
    Award: (6, 1),
    GoodPractice: (1, 1),
}


def years_with(model, years: range) -> list[int]:
    """The years in which `model` must have rows by today."""
    return [year for year in years if year < THIS_YEAR or datetime.date(THIS_YEAR, *READY[model]) <= TODAY]


def test_every_kind_has_rows_in_every_year_and_none_in_the_future(output):
    for root, years in trees():
        for model in RECORDS:
            rows = in_tree(model, root)
            for year in years_with(model, years):
                assert rows.in_year(year).exists(), (root.code, model.__name__, year)
            field = model.year_field
            if field != "year":
                assert not rows.filter(**{f"{field}__gt": TODAY}).exists(), model.__name__
            assert not rows.filter(search_text="").exists(), model.__name__
            assert set(rows.values_list(f"{field}__year" if field != "year" else "year", flat=True)) <= set(
                years
            )
    for label in (
        "buổi sinh hoạt chi bộ",
        "cuộc kiểm tra, giám sát",
        "văn bản",
        "hội nghị, sự kiện",
        "cá nhân",
    ):
        assert output.count(label) >= 2, label  # printed for both trees


def test_meetings_are_monthly_in_cells_with_realistic_attendance(output):
    for root, years in trees():
        meetings = in_tree(Meeting, root)
        assert not meetings.exclude(unit__kind__in=UnitKind.cells()).exists()
        assert not meetings.filter(attendance_present__gt=F("attendance_expected")).exists()
        assert not meetings.filter(attendance_present=0).exists()
        assert not meetings.filter(includes_directive=True, topic="").exists()
        for year in [y for y in years if y < THIS_YEAR]:
            rows = list(meetings.in_year(year).values_list("unit_id", "kind", "includes_directive"))
            per_cell = Counter(unit for unit, _, _ in rows)
            assert set(per_cell.values()) <= {11, 12}, per_cell
            thematic = [d for _, kind, d in rows if kind == MeetingKind.THEMATIC]
            regular = [d for _, kind, d in rows if kind == MeetingKind.REGULAR]
            assert 3 * len(per_cell) <= len(thematic) <= 4 * len(per_cell)
            assert sum(thematic) > 0.5 * len(thematic)
            assert 0.1 * len(regular) < sum(regular) < 0.5 * len(regular)
    # Those expected to attend are about the cell's party members.
    cell = Unit.objects.get(code="CB-VP")
    members = Member.objects.filter(unit=cell).exclude(party_status="none").count()
    last = Meeting.objects.filter(unit=cell).order_by("-held_on").first()
    assert members - 3 <= last.attendance_expected <= members + 3
    # Thematic meetings with Directive-05 content study the term theme while one is in force.
    term = Theme.objects.filter(kind=ThemeKind.TERM).first()
    studied = Meeting.objects.filter(kind=MeetingKind.THEMATIC, includes_directive=True)
    in_term = Q(held_on__year__gte=term.start_year, held_on__year__lte=term.end_year)
    assert not studied.filter(in_term).exclude(theme=term).exists()
    assert not studied.exclude(in_term).exclude(theme=None).exists()


def test_inspections_by_committees_and_cells_with_followed_up_findings(output):
    for root, years in trees():
        inspections = in_tree(Inspection, root)
        by_committee = inspections.filter(conducted_by__in=ConductingBody.of_committee())
        assert not by_committee.exclude(unit__kind__in=COMMITTEES).exists()
        assert (
            not inspections.filter(conducted_by=ConductingBody.CELL)
            .exclude(unit__kind__in=UnitKind.cells())
            .exists()
        )
        for inspection in by_committee.select_related("unit").prefetch_related("target_units"):
            targets = list(inspection.target_units.all())
            assert len(targets) == 1 and targets[0].path[:-4] == inspection.unit.path
        for inspection in inspections.filter(conducted_by=ConductingBody.CELL).prefetch_related(
            "target_members"
        ):
            members = list(inspection.target_members.all())
            assert 1 <= len(members) <= 3
            assert all(m.unit_on(inspection.started_on).pk == inspection.unit_id for m in members)
        for year in years_with(Inspection, years):
            assert by_committee.in_year(year).exists()
    findings = InspectionFinding.objects.select_related("inspection")
    for finding in findings:
        inspection = finding.inspection
        assert inspection.ended_on is not None and finding.deadline > inspection.started_on
        assert finding.closed_on is None or inspection.ended_on <= finding.closed_on <= TODAY
    assert Inspection.objects.filter(ended_on__isnull=False, findings__isnull=True).exists()
    assert findings.filter(closed_on__isnull=False).exists()
    assert findings.open().exists()
    per_inspection = Counter(findings.values_list("inspection_id", flat=True))
    assert max(per_inspection.values()) <= 3


def test_documents_and_conferences_of_committees(output):
    term = Theme.objects.filter(kind=ThemeKind.TERM).first()
    for root, years in trees():
        documents, conferences = in_tree(Document, root), in_tree(Conference, root)
        assert not documents.exclude(unit__kind__in=COMMITTEES).exists()
        assert not conferences.exclude(unit__kind__in=COMMITTEES).exists()
        assert not documents.exclude(file="").exists()
        committees = Unit.objects.in_subtree(root).filter(kind__in=COMMITTEES)
        codes = Counter(documents.filter(kind=DocumentKind.ETHICAL_CODE).values_list("unit_id", flat=True))
        assert codes == Counter({pk: 1 for pk in committees.values_list("pk", flat=True)})
        for year in [y for y in years if y < THIS_YEAR]:
            per_unit = Counter(documents.in_year(year).values_list("unit_id", flat=True))
            assert set(per_unit) == set(committees.values_list("pk", flat=True))
            assert min(per_unit.values()) >= 4 and max(per_unit.values()) <= 8
            numbers = documents.in_year(year).values_list("unit_id", "number")
            assert len(set(numbers)) == len(numbers)
            per_unit = Counter(conferences.in_year(year).values_list("unit_id", flat=True))
            assert set(per_unit) == set(committees.values_list("pk", flat=True))
            assert max(per_unit.values()) <= 3
            if year == term.end_year:
                assert conferences.in_year(year).filter(kind=ConferenceKind.FINAL_REVIEW).exists()
    assert not Conference.objects.filter(participants__lt=1).exists()


def test_awards_have_one_recipient_filed_where_they_were(output):
    retired = {i.pk: i.retired_on for i in AwardIssuer.objects.filter(retired_on__isnull=False)}
    for root, years in trees():
        awards = in_tree(Award, root).select_related("recipient_member", "recipient_unit", "unit", "form")
        assert not awards.filter(recipient_unit__isnull=True, recipient_member__isnull=True).exists()
        assert not awards.filter(recipient_unit__isnull=False, recipient_member__isnull=False).exists()
        for award in awards:
            assert award.unit.path.startswith(root.path)
            assert award.year == award.decision_date.year and award.decision_number
            if award.recipient_unit_id:
                assert award.unit_id == award.recipient_unit_id and award.was_party_member is None
            else:
                member = award.recipient_member
                assert award.unit == member.unit_on(award.decision_date)
                assert award.was_party_member == member.was_party_member_on(award.decision_date)
            if award.issuer_id in retired:
                assert award.decision_date < retired[award.issuer_id]
        people = (
            Membership.objects.filter(unit__path__startswith=root.path).values("member").distinct().count()
        )
        for year in [y for y in years if y < THIS_YEAR]:
            individual = awards.in_year(year).filter(recipient_member__isnull=False).count()
            assert 0.01 * people <= individual <= 0.06 * people, (root.code, year, individual, people)
            assert awards.in_year(year).filter(recipient_unit__isnull=False).exists()
        forms = Counter(awards.values_list("form__name", flat=True))
        assert forms["Giấy khen"] + forms["Biểu dương"] > 0.7 * sum(forms.values())
    assert Award.objects.filter(was_party_member=False).exists()
    # District bodies give awards only before they ended (the province has them in earlier years).
    district = AwardIssuer.objects.get(name="Ban Thường vụ Huyện ủy")
    assert not Award.objects.filter(issuer=district, decision_date__gte=district.retired_on).exists()
    assert AwardForm.objects.filter(name="Giấy khen").exists()


def test_good_practices_name_their_people_and_units(output):
    for root, years in trees():
        practices = in_tree(GoodPractice, root).prefetch_related("people", "units_involved", "replicated_to")
        for year in years:
            count = practices.filter(year=year).count()
            assert count >= 1
            if root.code == ROOT_CODE:
                assert count <= 3
        for practice in practices:
            people = list(practice.people.all())
            assert people
            if practice.kind == PracticeKind.EXEMPLAR:
                assert len(people) == 1 and people[0].full_name in practice.title
            else:
                assert len(practice.units_involved.all()) == 1
            for unit in [*practice.units_involved.all(), *practice.replicated_to.all()]:
                assert unit.path.startswith(root.path) and unit.kind in UnitKind.cells()


def snapshot() -> dict:
    """Every record by natural keys (codes, names, dates), not by database ids."""
    inspections = Inspection.objects.order_by("unit__code", "started_on", "subject").select_related("unit")
    awards = Award.objects.select_related("unit", "form", "issuer", "recipient_member", "recipient_unit")
    return {
        "meetings": list(
            Meeting.objects.order_by("unit__code", "held_on").values_list(
                "unit__code", "held_on", "kind", "attendance_present", "attendance_expected", "topic"
            )
        ),
        "inspections": [
            (
                i.unit.code,
                i.started_on,
                i.ended_on,
                i.subject,
                sorted(u.code for u in i.target_units.all()),
                sorted(m.full_name for m in i.target_members.all()),
                [(f.content, f.deadline, f.closed_on) for f in i.findings.all()],
            )
            for i in inspections
        ],
        "documents": list(
            Document.objects.order_by("unit__code", "number").values_list("unit__code", "number", "title")
        ),
        "conferences": list(
            Conference.objects.order_by("unit__code", "held_on").values_list("unit__code", "held_on", "title")
        ),
        "awards": sorted(
            (a.unit.code, a.recipient_name, a.form.name, a.issuer.name, a.decision_number, a.decision_date)
            for a in awards
        ),
        "practices": sorted(
            (p.unit.code, p.year, p.title, sorted(m.full_name for m in p.people.all()))
            for p in GoodPractice.objects.select_related("unit")
        ),
    }


def test_nothing_after_the_given_day_early_in_a_year(db):
    build_demo()
    root = Unit.objects.get(code=ROOT_CODE)
    day = datetime.date(THIS_YEAR, 1, 5)
    result = build_records(root, range(THIS_YEAR - 1, THIS_YEAR + 1), seed=1, today=day)
    assert result.counts["buổi sinh hoạt chi bộ"] > 80
    for model in RECORDS:
        if model.year_field != "year":
            assert not model.objects.filter(**{f"{model.year_field}__gt": day}).exists(), model.__name__
    assert not InspectionFinding.objects.filter(closed_on__gt=day).exists()
    assert not Inspection.objects.filter(ended_on__gt=day).exists()


def test_same_seed_same_records(output):
    first = snapshot()
    assert all(first.values())
    delete_demo()
    seed()
    seed("--scale", "--units", "30", "--members", "500", "--years", "2")
    assert snapshot() == first
