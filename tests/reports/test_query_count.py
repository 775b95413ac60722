"""The review report reads a fixed number of queries: the same for a cell as for the whole tree,
and the same once the tree has more levels, units and years of records."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from party.models import UnitKind
from pledges.models import Pledge
from reports.totals import QUERY_COUNT, report_totals
from tests.conftest import make_member, make_unit
from tests.reports.test_totals import world  # noqa: F401 (the hand-built fixture)


def queries_of(unit, first_year: int, last_year: int) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        report_totals(unit, first_year, last_year)
    return [query["sql"] for query in queries]


def test_a_cell_and_the_root_read_the_same_number_of_queries(world):  # noqa: F811
    units = world["units"]
    cell = queries_of(units["cell_a"], 2024, 2025)
    root = queries_of(units["committee"], 2021, 2025)
    assert len(cell) == len(root) == QUERY_COUNT


def test_more_units_and_years_do_not_add_queries(world, django_capture_on_commit_callbacks):  # noqa: F811
    units = world["units"]
    before = len(queries_of(units["committee"], 2024, 2025))
    with django_capture_on_commit_callbacks(execute=True):  # the report's tables, as after a commit
        for i in range(3):
            branch = make_unit(f"DBN{i}", units["committee"], kind=UnitKind.PARTIAL_COMMITTEE)
            for j in range(3):
                cell = make_unit(f"CBN{i}{j}", branch)
                member = make_member(cell, f"Người {i}{j}")
                for year in (2022, 2023, 2024, 2025):
                    Pledge.objects.create(member=member, unit=cell, year=year)
    report = report_totals(units["committee"], 2022, 2025)
    assert report.total.registrations >= 36  # the new records are counted
    assert len(queries_of(units["committee"], 2022, 2025)) == before == QUERY_COUNT
