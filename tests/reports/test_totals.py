"""The review report's counting core: a hand-built subtree where every figure is known.

The tree (conftest `tree` plus three units):
    DB ─┬─ CBA, CBB (cells)      DTN (mass organization)
        ├─ CBC (cell dissolved 30/06/2024)   CBX (cell dissolved 01/05/2023, before the span)
        └─ DBP (partial committee) ── CBD (cell)
The span is 2024-2025; records on 31/12/2023 and 01/01/2026 lie just outside it.
People: an (CBA), binh (CBA, leader), cuong (CBB, moved to CBA on 01/03/2025), dung (CBB, employee),
em (CBC, probationary, moved to CBD on 01/07/2024), giang (employee, CBD from 01/01/2025),
hoa (CBA until 31/12/2023).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from party.models import (
    ConductingBody,
    Conference,
    ConferenceKind,
    Document,
    DocumentKind,
    Inspection,
    InspectionFinding,
    InspectionKind,
    Meeting,
    Membership,
    PartyStatus,
    UnitKind,
    transfer_member,
)
from pledges.models import (
    Award,
    AwardCategory,
    AwardForm,
    AwardIssuer,
    GoodPractice,
    Plan,
    PlanDeed,
    Pledge,
    PledgeDeed,
    PracticeKind,
    RatingScale,
)
from reports.totals import COLLECTIVE, EMPLOYEE, PARTY_MEMBER, QUERY_COUNT, IssuerRow, report_totals
from tests.conftest import make_member, make_unit

AWARD = AwardCategory.AWARD
COMMENDATION = AwardCategory.COMMENDATION
D = datetime.date


def deleted(record):
    type(record).all_objects.filter(pk=record.pk).update(deleted_at=timezone.now())
    return record


@pytest.fixture
def world(tree, people, django_capture_on_commit_callbacks):
    # Written through the ORM inside the test's transaction: the commit callbacks that refresh
    # the report's summary tables (reports/signals.py) run at the end, as after a commit.
    with django_capture_on_commit_callbacks(execute=True):
        return build_world(tree, people)


def build_world(tree, people) -> dict:
    u = dict(tree)
    committee = u["committee"]
    u["cell_c"] = make_unit("CBC", committee, short_name="Chi bộ C", dissolved_on=D(2024, 6, 30))
    u["cell_x"] = make_unit("CBX", committee, short_name="Chi bộ X", dissolved_on=D(2023, 5, 1))
    u["partial"] = make_unit("DBP", committee, kind=UnitKind.PARTIAL_COMMITTEE, short_name="Đảng bộ P")
    u["cell_d"] = make_unit("CBD", u["partial"], short_name="Chi bộ D")
    p = dict(people)
    p["em"] = make_member(u["cell_c"], "Võ Văn Em", party_status=PartyStatus.PROBATIONARY)
    p["giang"] = make_member(u["cell_d"], "Đỗ Thị Giang", party_status=PartyStatus.NONE)
    p["hoa"] = make_member(u["cell_a"], "Hồ Thị Hoa")
    Membership.objects.update(started_on=D(2020, 1, 1))
    Membership.objects.filter(member=p["giang"]).update(started_on=D(2025, 1, 1))
    Membership.objects.filter(member=p["hoa"]).update(ended_on=D(2023, 12, 31))
    transfer_member(member=p["em"], to_unit=u["cell_d"], on=D(2024, 7, 1))
    transfer_member(member=p["cuong"], to_unit=u["cell_a"], on=D(2025, 3, 1))
    for name in ("an", "cuong", "em"):
        p[name].refresh_from_db()

    scale = RatingScale.objects.in_force_for_year(2024)
    best, good = sorted(scale.levels.all(), key=lambda level: level.position)[:2]
    for who, unit, year, deeds, rating in [
        ("an", "cell_a", 2024, 2, best),
        ("an", "cell_a", 2025, 3, best),
        ("binh", "cell_a", 2024, 1, good),
        ("binh", "cell_a", 2025, 2, None),
        ("cuong", "cell_b", 2024, 2, best),
        ("cuong", "cell_a", 2025, 1, None),
        ("dung", "cell_b", 2025, 4, None),
        ("em", "cell_c", 2024, 1, None),
        ("em", "cell_d", 2025, 2, None),
        ("giang", "cell_d", 2026, 5, None),  # after the span
        ("hoa", "cell_a", 2023, 3, best),  # before the span
    ]:
        pledge = Pledge.objects.create(member=p[who], unit=u[unit], year=year, rating=rating)
        for position in range(1, deeds + 1):
            PledgeDeed.objects.create(pledge=pledge, content=f"Việc {position}", position=position)

    for unit, year, deeds in [
        ("cell_a", 2024, 3),
        ("cell_a", 2025, 2),
        ("cell_b", 2025, 4),
        ("cell_c", 2024, 1),
        ("cell_d", 2025, 2),
        ("youth", 2024, 2),
        ("cell_a", 2023, 5),  # before the span
        ("cell_x", 2023, 1),  # before the span
    ]:
        plan = Plan.objects.create(unit=u[unit], year=year, title=f"Kế hoạch {year}")
        PlanDeed.objects.bulk_create(PlanDeed(plan=plan, content=f"Việc {n}") for n in range(deeds))
        Plan.objects.filter(pk=plan.pk).recount_deeds()

    for unit, kind, issued_on in [
        ("committee", DocumentKind.PLAN, D(2024, 1, 1)),
        ("committee", DocumentKind.GUIDANCE, D(2025, 12, 31)),
        ("committee", DocumentKind.OFFICIAL_LETTER, D(2023, 12, 31)),
        ("committee", DocumentKind.PLAN, D(2026, 1, 1)),
        ("cell_a", DocumentKind.PLAN, D(2024, 3, 5)),
    ]:
        Document.objects.create(unit=u[unit], kind=kind, issued_on=issued_on, title="Văn bản")
    deleted(Document.objects.create(unit=committee, kind=DocumentKind.ETHICAL_CODE, issued_on=D(2025, 5, 5)))

    for unit, held_on, directive, present in [
        ("cell_a", D(2024, 12, 31), True, 5),
        ("cell_a", D(2025, 1, 1), True, 4),
        ("cell_b", D(2025, 6, 1), False, 3),
        ("cell_c", D(2024, 3, 1), True, 2),
        ("cell_a", D(2023, 12, 31), True, 9),
    ]:
        Meeting.objects.create(
            unit=u[unit],
            held_on=held_on,
            includes_directive=directive,
            topic="Chỉ thị 05",
            attendance_present=present,
            attendance_expected=10,
        )
    deleted(
        Meeting.objects.create(
            unit=u["cell_d"], held_on=D(2025, 2, 2), includes_directive=True, topic="Chỉ thị 05",
            attendance_present=3, attendance_expected=3,
        )
    )  # fmt: skip

    check, watch = InspectionKind.INSPECTION, InspectionKind.SUPERVISION
    commission, standing, cell = (
        ConductingBody.INSPECTION_COMMISSION,
        ConductingBody.STANDING_COMMITTEE,
        ConductingBody.CELL,
    )
    # (unit, kind, body, start, about the directive, findings remedied or not, deleted)
    for unit, kind, by, started_on, about, closed, remove in [
        ("committee", check, commission, D(2024, 5, 1), True, [True, False], 0),
        ("committee", watch, standing, D(2025, 9, 1), True, [False], 0),
        ("committee", check, commission, D(2025, 1, 10), False, [True], 0),
        ("cell_a", watch, cell, D(2025, 2, 1), True, [True], 0),
        ("cell_d", check, cell, D(2024, 11, 11), True, [], 0),
        ("cell_b", check, cell, D(2025, 3, 3), True, [True], 1),
        ("cell_b", check, cell, D(2023, 12, 31), True, [True], 0),
    ]:
        inspection = Inspection.objects.create(
            unit=u[unit],
            kind=kind,
            conducted_by=by,
            started_on=started_on,
            about_directive=about,
            subject="x",
        )
        for position, is_closed in enumerate(closed, start=1):
            InspectionFinding.objects.create(
                inspection=inspection,
                content="Hạn chế",
                remedy="Khắc phục",
                position=position,
                closed_on=D(2025, 12, 1) if is_closed else None,
            )
        if remove:
            deleted(inspection)

    award_form = AwardForm.objects.create(name="Bằng khen (thử)", category=AWARD)
    praise_form = AwardForm.objects.create(name="Biểu dương (thử)", category=COMMENDATION)
    province = AwardIssuer.objects.create(name="Chủ tịch UBND tỉnh (thử)", sort_order=1)
    own = AwardIssuer.objects.create(name="Đảng ủy (thử)", sort_order=2)
    for recipient, form, issuer, decided, remove in [
        (u["cell_a"], award_form, province, D(2024, 12, 31), False),
        (p["cuong"], award_form, province, D(2024, 10, 10), False),  # while in CBB
        (p["cuong"], praise_form, own, D(2025, 6, 1), False),  # after moving to CBA
        (p["dung"], praise_form, own, D(2025, 1, 1), False),
        (p["em"], award_form, own, D(2024, 8, 1), False),  # after moving to CBD
        (u["youth"], praise_form, own, D(2026, 1, 1), False),
        (u["cell_b"], award_form, province, D(2025, 2, 2), True),
        (p["an"], award_form, province, D(2023, 12, 31), False),
    ]:
        award = Award(form=form, issuer=issuer, decision_number="1", decision_date=decided, year=decided.year)
        if recipient in p.values():
            award.recipient_member = recipient
        else:
            award.recipient_unit = recipient
        award.fill_recipient_facts()
        award.save()
        if remove:
            deleted(award)

    for unit, kind, year, remove in [
        ("committee", PracticeKind.MODEL, 2024, False),
        ("cell_a", PracticeKind.EXEMPLAR, 2025, False),
        ("cell_b", PracticeKind.PRACTICE, 2023, False),
        ("cell_a", PracticeKind.EXEMPLAR, 2025, True),
    ]:
        practice = GoodPractice.objects.create(unit=u[unit], kind=kind, year=year, title="Mô hình")
        if remove:
            deleted(practice)

    for unit, kind, held_on in [
        ("committee", ConferenceKind.PRELIMINARY_REVIEW, D(2024, 12, 31)),
        ("committee", ConferenceKind.FINAL_REVIEW, D(2026, 1, 1)),
        ("youth", ConferenceKind.CONTEST, D(2025, 4, 4)),
    ]:
        Conference.objects.create(unit=u[unit], kind=kind, held_on=held_on, title="Hội nghị")
    return {"units": u, "people": p, "best": best, "good": good, "province": province, "own": own}


@pytest.fixture
def report(world):
    return report_totals(world["units"]["committee"], 2024, 2025)


def figures_of(report, code: str):
    return next(row.figures for row in report.by_child if row.unit.code == code)


def test_plans_count_cells_and_mass_organizations_apart(report):
    total = report.total
    assert (total.cell_plans, total.cell_plan_deeds) == (5, 12)
    assert (total.org_plans, total.org_plan_deeds) == (1, 2)
    # 2024: CBA, CBB, CBC (dissolved in June), CBD; 2025: without CBC. CBX was gone before.
    assert (total.cell_years, total.org_years) == (7, 2)
    y2024, y2025 = report.by_year[2024], report.by_year[2025]
    for year, numbers in ((2024, (2, 4, 4, 0.5)), (2025, (3, 8, 3, 1))):
        f = report.by_year[year]
        assert (f.cell_plans, f.cell_plan_deeds, f.cell_years, f.cell_plan_share) == numbers, year
    assert (y2024.org_plans, y2024.org_plan_deeds, y2024.org_plan_share) == (1, 2, 1)
    assert (y2025.org_plans, y2025.org_plan_share) == (0, 0)
    expected = {
        "CBA": (2, 5, 2, 0, 0, 0),
        "CBB": (1, 4, 2, 0, 0, 0),
        "CBC": (1, 1, 1, 0, 0, 0),
        "CBX": (0, 0, 0, 0, 0, 0),
        "DBP": (1, 2, 2, 0, 0, 0),
        "DTN": (0, 0, 0, 1, 2, 2),
        "DB": (0, 0, 0, 0, 0, 0),
    }
    for code, numbers in expected.items():
        f = figures_of(report, code)
        assert (
            f.cell_plans, f.cell_plan_deeds, f.cell_years, f.org_plans, f.org_plan_deeds, f.org_years
        ) == numbers, code  # fmt: skip


def registration_numbers(f):
    return (
        f.registrations,
        f.registration_deeds,
        f.party_registrations,
        f.party_registration_deeds,
        f.employee_registrations,
        f.employee_registration_deeds,
        f.leader_registrations,
        f.leader_registration_deeds,
        f.people,
        f.party_people,
        f.employee_people,
        f.member_years,
    )


def test_registrations_count_people_once_and_lượt_each_year(report):
    # 5 people (cuong and em registered in two units, counted once), 11 person-years belonging.
    assert registration_numbers(report.total) == (9, 18, 8, 14, 1, 4, 2, 3, 5, 4, 1, 11)
    assert registration_numbers(report.by_year[2024]) == (4, 6, 4, 6, 0, 0, 1, 1, 4, 4, 0, 5)
    assert registration_numbers(report.by_year[2025]) == (5, 12, 4, 8, 1, 4, 1, 2, 5, 4, 1, 6)
    assert report.by_year[2024].registration_share == 4 / 5
    assert report.by_year[2025].registration_share == 5 / 6
    assert report.total.registration_share == 9 / 11


def test_registrations_stay_in_the_unit_they_were_made_in(report):
    # cuong's 2024 registration stays in CBB, his 2025 one is in CBA; em's 2024 one in the
    # dissolved CBC, his 2025 one under DBP. The moves make each belong to two units in a year.
    assert registration_numbers(figures_of(report, "CBA")) == (5, 9, 5, 9, 0, 0, 2, 3, 3, 3, 0, 5)
    assert registration_numbers(figures_of(report, "CBB")) == (2, 6, 1, 2, 1, 4, 0, 0, 2, 1, 1, 4)
    assert registration_numbers(figures_of(report, "CBC")) == (1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1)
    assert registration_numbers(figures_of(report, "DBP")) == (1, 2, 1, 2, 0, 0, 0, 0, 1, 1, 0, 3)
    for code in ("DB", "DTN", "CBX"):
        assert registration_numbers(figures_of(report, code)) == (0,) * 12, code


def test_ratings_are_counted_per_level_and_year(report, world):
    best, good = world["best"].pk, world["good"].pk
    assert report.total.ratings == {best: 3, good: 1, None: 5}
    assert report.by_year[2024].ratings == {best: 2, good: 1, None: 1}
    assert report.by_year[2025].ratings == {best: 1, None: 4}
    assert [level.pk for level in report.rating_levels] == [best, good, None]
    assert report.rating_levels[0].name == world["best"].name
    assert report.rating_levels[-1].name == "Chưa xếp loại"


def test_documents_by_kind_within_calendar_years(report):
    assert report.total.documents == {DocumentKind.PLAN: 2, DocumentKind.GUIDANCE: 1}
    assert report.total.document_count == 3
    assert report.by_year[2024].documents == {DocumentKind.PLAN: 2}
    assert report.by_year[2025].documents == {DocumentKind.GUIDANCE: 1}
    assert figures_of(report, "DB").documents == {DocumentKind.PLAN: 1, DocumentKind.GUIDANCE: 1}
    assert figures_of(report, "CBA").documents == {DocumentKind.PLAN: 1}


def test_meetings_with_directive_content_and_their_attendance(report):
    assert (report.total.meetings, report.total.meeting_attendance) == (3, 11)
    assert (report.by_year[2024].meetings, report.by_year[2024].meeting_attendance) == (2, 7)
    assert (report.by_year[2025].meetings, report.by_year[2025].meeting_attendance) == (1, 4)
    assert (figures_of(report, "CBA").meetings, figures_of(report, "CBA").meeting_attendance) == (2, 9)
    assert (figures_of(report, "CBC").meetings, figures_of(report, "CBC").meeting_attendance) == (1, 2)
    assert figures_of(report, "DBP").meetings == 0  # its only meeting was deleted


def inspection_numbers(f):
    return (
        f.committee_inspections,
        f.committee_supervisions,
        f.cell_inspections,
        f.cell_supervisions,
        f.findings,
        f.findings_remedied,
        f.cell_findings,
        f.cell_findings_remedied,
    )


def test_inspections_about_the_directive_by_committee_bodies_and_by_cells(report):
    assert inspection_numbers(report.total) == (1, 1, 1, 1, 4, 2, 1, 1)
    assert (report.total.committee_checks, report.total.cell_checks) == (2, 2)
    assert inspection_numbers(report.by_year[2024]) == (1, 0, 1, 0, 2, 1, 0, 0)
    assert inspection_numbers(report.by_year[2025]) == (0, 1, 0, 1, 2, 1, 1, 1)
    assert inspection_numbers(figures_of(report, "DB")) == (1, 1, 0, 0, 3, 1, 0, 0)
    assert inspection_numbers(figures_of(report, "CBA")) == (0, 0, 0, 1, 1, 1, 1, 1)
    assert inspection_numbers(figures_of(report, "DBP")) == (0, 0, 1, 0, 0, 0, 0, 0)
    assert inspection_numbers(figures_of(report, "CBB")) == (0,) * 8  # deleted, or before the span


def test_awards_and_commendations_are_kept_apart_by_issuer(report, world):
    province, own = world["province"].name, world["own"].name
    total = report.total
    assert total.recognitions == {
        (AWARD, province, COLLECTIVE): 1,
        (AWARD, province, PARTY_MEMBER): 1,
        (AWARD, own, PARTY_MEMBER): 1,
        (COMMENDATION, own, PARTY_MEMBER): 1,
        (COMMENDATION, own, EMPLOYEE): 1,
    }
    assert (total.awards_collective, total.awards_individual) == (1, 2)
    assert (total.commendations_collective, total.commendations_individual) == (0, 2)
    assert report.issuers == [province, own]
    assert report.award_table(AWARD) == [IssuerRow(province, 1, 1, 0), IssuerRow(own, 0, 1, 0)]
    assert report.award_table(COMMENDATION) == [IssuerRow(own, 0, 1, 1)]
    assert report.award_table(COMMENDATION, report.by_year[2024]) == []
    assert report.by_year[2024].recognition_count(AWARD) == 3
    assert report.by_year[2025].recognition_count(COMMENDATION) == 2


def test_a_member_award_counts_where_the_member_was_on_the_decision_date(report):
    province, own = report.issuers
    # cuong's award of 10/10/2024 stays in CBB; his commendation of 2025 is in CBA.
    assert figures_of(report, "CBB").recognitions == {
        (AWARD, province, PARTY_MEMBER): 1,
        (COMMENDATION, own, EMPLOYEE): 1,
    }
    assert figures_of(report, "CBA").recognitions == {
        (AWARD, province, COLLECTIVE): 1,
        (COMMENDATION, own, PARTY_MEMBER): 1,
    }
    assert figures_of(report, "DBP").recognition_count(AWARD, PARTY_MEMBER) == 1


def test_good_practices_and_conferences_by_kind(report):
    assert report.total.practices == {PracticeKind.MODEL: 1, PracticeKind.EXEMPLAR: 1}
    assert report.by_year[2025].practices == {PracticeKind.EXEMPLAR: 1}
    assert figures_of(report, "CBA").practices == {PracticeKind.EXEMPLAR: 1}
    assert report.total.conferences == {ConferenceKind.PRELIMINARY_REVIEW: 1, ConferenceKind.CONTEST: 1}
    assert report.by_year[2024].conferences == {ConferenceKind.PRELIMINARY_REVIEW: 1}
    assert figures_of(report, "DTN").conferences == {ConferenceKind.CONTEST: 1}


def test_child_rows_are_the_unit_itself_then_its_direct_children(report):
    assert [(row.unit.code, row.is_self) for row in report.by_child] == [
        ("DB", True),
        ("CBA", False),
        ("CBB", False),
        ("CBC", False),
        ("CBX", False),
        ("DBP", False),
        ("DTN", False),
    ]
    assert list(report.by_year) == [2024, 2025]


def test_breakdowns_add_up_to_the_totals_except_people(report):
    for name in (
        "registrations",
        "cell_plans",
        "meetings",
        "findings",
        "cell_years",
        "recognitions",
        "ratings",
    ):
        total = getattr(report.total, name)
        for rows in (report.by_year.values(), [row.figures for row in report.by_child]):
            values = [getattr(figures, name) for figures in rows]
            assert (sum(values[1:], values[0]) if values else 0) == total, name


def test_a_cell_report_covers_only_that_cell(world):
    report = report_totals(world["units"]["cell_a"], 2024, 2025)
    assert [row.unit.code for row in report.by_child] == ["CBA"]
    assert registration_numbers(report.total) == (5, 9, 5, 9, 0, 0, 2, 3, 3, 3, 0, 5)
    assert (report.total.cell_plans, report.total.cell_years, report.total.meetings) == (2, 2, 2)


def test_one_year_span_reads_only_that_year(world):
    report = report_totals(world["units"]["committee"], 2025, 2025)
    assert list(report.by_year) == [2025]
    assert registration_numbers(report.total) == registration_numbers(report.by_year[2025])
    assert report.total.documents == {DocumentKind.GUIDANCE: 1}


def test_reports_in_a_row_each_read_their_own_unit_and_years(world, report):
    # Each report builds its own querysets from its own unit and years.
    cell = report_totals(world["units"]["cell_a"], 2024, 2025)
    one_year = report_totals(world["units"]["committee"], 2025, 2025)
    again = report_totals(world["units"]["committee"], 2024, 2025)
    assert [row.unit.code for row in cell.by_child] == ["CBA"]
    assert registration_numbers(cell.total) == (5, 9, 5, 9, 0, 0, 2, 3, 3, 3, 0, 5)
    assert list(one_year.by_year) == [2025] and one_year.total.documents == {DocumentKind.GUIDANCE: 1}
    assert again == report
    assert registration_numbers(report.total) != registration_numbers(cell.total)


def test_query_count_is_the_same_for_a_cell_and_the_whole_tree(world, django_assert_num_queries):
    # units, plan units, plans, registrations, people (folded), movers by child, movers in all,
    # documents, meetings, inspections, findings, awards, practices, conferences. One fewer than
    # before: the four people queries (registered and belonging, by child and in all) became
    # three, the folded rows' head counts adding up across children for both figures.
    for unit, first, last in [
        (world["units"]["cell_d"], 2025, 2025),
        (world["units"]["committee"], 2024, 2025),
        (world["units"]["committee"], 2016, 2030),
    ]:
        with CaptureQueriesContext(connection) as queries:
            report_totals(unit, first, last)
        assert len(queries) == QUERY_COUNT == 14, [q["sql"] for q in queries]
    with django_assert_num_queries(14):
        report_totals(world["units"]["partial"], 2024, 2025)


def test_an_empty_span_reads_zero_everywhere(world):
    report = report_totals(world["units"]["committee"], 2010, 2011)
    assert registration_numbers(report.total) == (0,) * 12
    assert report.total.registration_share is None  # nobody belonged: no share, not 0 %
    assert report.total.cell_plan_share == 0  # units have no founding date: 5 cells each year
    assert report.total.cell_years == 10
    assert report.issuers == [] and report.rating_levels == []


def test_reversed_span_is_refused(world):
    with pytest.raises(ValueError):
        report_totals(world["units"]["committee"], 2025, 2024)
