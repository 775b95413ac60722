"""The reports app's migrations upgrade a database that holds data, not only an empty one.

A fresh install migrates empty tables; a deployed one rebuilds its summary tables from its
registrations and periods inside the migration. On PostgreSQL the rows a migration inserts queue
deferred foreign-key checks, and an index cannot be created in the same transaction after them.
"""

import pytest
from django.core.management import call_command

from pledges.models import Pledge
from reports.models import MemberUnitYears, PledgeTally
from reports.tallies import tally_drift
from tests.conftest import make_member


@pytest.mark.django_db(transaction=True)
def test_the_summary_tables_migration_rebuilds_them_on_a_database_with_data(tree, people):
    for person in people.values():
        Pledge.objects.create(member=person, unit=person.unit, year=2025)
    make_member(tree["cell_b"], "Vũ Văn Giang")  # a person without a registration
    call_command("migrate", "reports", "0002", verbosity=0)
    try:
        call_command("migrate", "reports", verbosity=0)
    finally:
        call_command("migrate", verbosity=0)  # the next tests find the latest schema either way
    assert PledgeTally.objects.exists() and MemberUnitYears.objects.exists()
    assert tally_drift() == []
