"""report_fingerprint (what the restore drill compares) and the load-test accounts' safety catch."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import make_member


def fingerprint() -> list[str]:
    output = io.StringIO()
    call_command("report_fingerprint", stdout=output)
    return output.getvalue().splitlines()


def test_fingerprint_counts_rows_and_report_figures_and_changes_with_the_data(tree):
    before = fingerprint()
    assert "rows party_unit 4" in before
    assert "rows party_member 0" in before
    committee = tree["committee"]
    assert f"report DB#{committee.pk} total member_years 0" in before
    assert any(line.startswith(f"report DB#{committee.pk} child:CBA#{tree['cell_a'].pk} ") for line in before)
    assert before == fingerprint()  # stable: two runs on the same data print the same lines

    make_member(tree["cell_a"], "Nguyễn Văn An")
    after = fingerprint()
    changed = sorted(set(before) ^ set(after))
    assert "rows party_member 0" in changed and "rows party_member 1" in changed


@pytest.mark.django_db
def test_load_accounts_refuse_a_database_not_named_load(tmp_path):
    with pytest.raises(CommandError, match="does not end with _load"):
        call_command("loadtest_accounts", "3", "--output", str(tmp_path / "accounts.csv"))
    assert not (tmp_path / "accounts.csv").exists()
