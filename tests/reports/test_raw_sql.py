"""The bench's hand-written SQL (tests/bench_report.py) gives exactly report_totals()'s figures,
so the bench compares the ORM with SQL that counts the same things."""

import pytest
from django.db import connection

from reports.totals import report_totals
from tests.bench_report import raw_report_totals
from tests.reports.test_totals import world  # noqa: F401 (the hand-built fixture)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bench's hand-written report SQL is PostgreSQL only"
)


@pytest.mark.parametrize(
    ("unit", "first_year", "last_year"),
    [
        ("committee", 2024, 2025),
        ("committee", 2023, 2026),  # records just outside the usual span come in
        ("partial", 2024, 2025),
        ("cell_a", 2025, 2025),
        ("cell_x", 2020, 2024),  # a dissolved cell
    ],
)
def test_raw_sql_gives_the_same_totals_as_the_orm(world, unit, first_year, last_year):  # noqa: F811
    node = world["units"][unit]
    orm = report_totals(node, first_year, last_year)
    raw = raw_report_totals(node, first_year, last_year)
    assert raw.total == orm.total
    assert raw.by_year == orm.by_year
    assert raw.by_child == orm.by_child
    assert raw.issuers == orm.issuers
    assert raw.rating_levels == orm.rating_levels
    assert orm.total.registrations or unit == "cell_x"  # not equal by being empty
