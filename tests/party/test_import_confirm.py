"""Confirming an import writes what its preview validated, and only while nothing changed since."""

import datetime

from django.db.models import F
from django.urls import reverse

from party.imports.members import MemberSheet
from party.models import ImportBatch, Meeting, MeetingKind, Member
from tests.party.test_import import confirm, db_state, preview
from tests.party.test_import_work import MEETINGS, meeting, workbook
from tests.party.xlsx_helpers import member, workbook_bytes

CHANGED = "Dữ liệu đã thay đổi từ lúc xem trước nên chưa ghi gì"


def an_update(people) -> bytes:
    """A file that gives Nguyễn Văn An (card 1001) a position."""
    return workbook_bytes(None, [member("Nguyễn Văn An", "CBA", birth_date="01/01/1985",
                                        party_card_number="1001", position="Bí thư chi bộ")])  # fmt: skip


# Committing what the preview validated ----------------------------------------------------


def test_confirmation_writes_the_rows_the_preview_validated_without_the_file(login, staff, people):
    client = login(staff)
    batch, _ = preview(client, an_update(people))
    ImportBatch.objects.filter(pk=batch.pk).update(content=b"")  # nothing to read again
    html = confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE, batch.summary
    assert "Đã ghi dữ liệu từ tệp Excel." in html
    assert Member.objects.get(pk=people["an"].pk).position == "Bí thư chi bộ"


def test_a_written_batch_keeps_no_rows(login, staff, people):
    client = login(staff)
    batch, _ = preview(client, an_update(people))
    assert batch.validated["sheets"][0]["title"] == MemberSheet.title
    confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE and batch.validated == {}


def test_a_value_changed_since_the_preview_is_not_overwritten_and_the_new_preview_is_shown(
    login, staff, people
):
    client = login(staff)
    batch, _ = preview(client, an_update(people))
    Member.objects.filter(pk=people["an"].pk).update(position="Phó bí thư")  # someone else, meanwhile
    before = db_state()
    html = confirm(client, batch)
    assert CHANGED in html
    assert db_state() == before
    assert batch.status == ImportBatch.Status.PENDING
    assert "“Phó bí thư” → “Bí thư chi bộ”" in html  # the new preview, to confirm again
    html = confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE, batch.summary
    assert Member.objects.get(pk=people["an"].pk).position == "Bí thư chi bộ"


def test_a_record_saved_since_the_preview_is_not_overwritten_even_with_the_same_values(login, staff, tree):
    stored = Meeting.objects.create(
        unit=tree["cell_a"], held_on=datetime.date(2025, 3, 5), kind=MeetingKind.REGULAR,
        attendance_present=10, attendance_expected=12,
    )  # fmt: skip
    client = login(staff)
    batch, _ = preview(client, workbook({MEETINGS: [meeting(note="Ghi chú mới")]}))
    assert batch.summary["sheets"][0]["updated"] == 1
    Meeting.objects.filter(pk=stored.pk).update(version=F("version") + 1)  # saved in the browser meanwhile
    html = confirm(client, batch)
    assert CHANGED in html
    assert Meeting.objects.get(pk=stored.pk).note == ""
    confirm(client, batch)
    assert batch.status == ImportBatch.Status.DONE
    assert Meeting.objects.get(pk=stored.pk).note == "Ghi chú mới"


def test_a_batch_whose_rows_were_forgotten_asks_for_the_file_again(login, staff, people):
    client = login(staff)
    batch, _ = preview(client, an_update(people))
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=F("created_at") - datetime.timedelta(days=40))
    assert ImportBatch.objects.forget_files(days=30) == 1
    before = db_state()
    html = confirm(client, batch)
    assert "Không còn dữ liệu đã kiểm tra của lần tải lên này" in html
    assert batch.status == ImportBatch.Status.FAILED
    assert db_state() == before


def test_the_preview_page_does_not_load_the_kept_rows(login, staff, people, django_assert_num_queries):
    client = login(staff)
    batch, _ = preview(client, an_update(people))
    with django_assert_num_queries(4) as queries:  # session, user, their roles, the batch
        client.get(reverse("import_preview", args=[batch.pk]))
    (batch_query,) = [q["sql"] for q in queries.captured_queries if '"party_importbatch"' in q["sql"]]
    assert '"summary"' in batch_query and '"validated"' not in batch_query
