"""The review report's workbook is written in bounded memory: no row is kept, whatever the count.

Two subtrees, one with ten times the rows of the other, are exported under tracemalloc; the peak
of Python allocations must be about the same. The read chunk is made small so that both exports
go through many of them (a kept row would add up in the larger one; a list smaller than one chunk
would be read whole), and the test stays fast. Registrations are bare values, awards carry styled
cells (dates, wrapped text): both of openpyxl's paths are covered. The workbook goes to a file, as
in the worker: a BytesIO would be counted.
"""

import datetime
import tempfile
import tracemalloc

import pytest

from party.models import Gender, Member, PartyStatus, Unit, UnitKind
from pledges.models import Award, AwardCategory, AwardForm, AwardIssuer, Pledge
from reports import export_lists
from reports.export import write_report_workbook
from tests.conftest import make_unit

ROWS = 300  # registrations and awards of the small subtree; the large one has ten times as many
CHUNK = 50
YEAR = 2025
# A kept registration or award row costs a few hundred bytes: 2,700 extra rows of each would add
# well over a megabyte. The allowance covers allocator noise and one chunk of longer rows.
ALLOWANCE = 256 * 1024


def _fill(cell: Unit, count: int, form: AwardForm, issuer: AwardIssuer) -> None:
    # bulk_create skips Member.save(), which fills the search and sort keys: set them here.
    members = Member.objects.bulk_create(
        Member(
            unit=cell,
            full_name=f"Nguyễn Văn {cell.code} {i:05d}",
            search_name=f"nguyen van {cell.code.lower()} {i:05d}",
            sort_key=f"{i:05d}",
            gender=Gender.MALE,
            birth_date=datetime.date(1985, 1, 1),
            party_status=PartyStatus.FULL,
        )
        for i in range(count)
    )
    Pledge.objects.bulk_create(Pledge(member=member, unit=cell, year=YEAR) for member in members)
    Award.objects.bulk_create(
        Award(
            unit=cell,
            recipient_member=member,
            was_party_member=True,
            form=form,
            issuer=issuer,
            decision_number=f"{i}/QĐ-ĐU",
            decision_date=datetime.date(YEAR, 5, 19),
            year=YEAR,
            achievement="Tiêu biểu trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
        )
        for i, member in enumerate(members)
    )


def _peak(unit: Unit) -> tuple[int, int]:
    """The list rows written and the peak of Python allocations while writing the workbook."""
    with tempfile.TemporaryFile() as out:
        tracemalloc.start()
        try:
            rows = write_report_workbook(unit, YEAR, YEAR, out)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return rows, peak


@pytest.fixture
def subtrees(db, monkeypatch) -> tuple[Unit, Unit]:
    monkeypatch.setattr(export_lists, "CHUNK", CHUNK)
    form = AwardForm.objects.create(name="Giấy khen (thử)", category=AwardCategory.AWARD)
    issuer = AwardIssuer.objects.create(name="Đảng ủy (thử)")
    small = make_unit("NHO", kind=UnitKind.GRASSROOTS_COMMITTEE, short_name="Đảng bộ nhỏ")
    large = make_unit("LON", kind=UnitKind.GRASSROOTS_COMMITTEE, short_name="Đảng bộ lớn")
    _fill(make_unit("NHO1", small, short_name="Chi bộ nhỏ"), ROWS, form, issuer)
    _fill(make_unit("LON1", large, short_name="Chi bộ lớn"), 10 * ROWS, form, issuer)
    return small, large


def test_export_memory_does_not_grow_with_the_row_count(subtrees):
    small, large = subtrees
    # First use of each subtree: imports, openpyxl's and the report's caches.
    _peak(small)
    _peak(large)
    small_rows, small_peak = _peak(small)
    large_rows, large_peak = _peak(large)
    assert (small_rows, large_rows) == (2 * ROWS, 20 * ROWS)
    assert large_peak - small_peak < ALLOWANCE, (small_peak, large_peak)
