"""No lost updates, no duplicates from double submits, nothing half-written by a failed import.

- Two people edit the same registration at the very same moment (two threads, two logged-in
  clients, real views, PostgreSQL): exactly one save wins, the other is told in Vietnamese and
  keeps what they typed.
- The database constraints that make a repeated "new" form (double click, reload, two tabs)
  meet a refusal instead of creating a twin.
- An import whose write the database refuses half-way (a trigger rejects one member row after the
  file's new unit is inserted) leaves nothing of the file and shows a Vietnamese message.
"""

import datetime
import re
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from party.models import ImportBatch, Member, Membership, RoleKind, Theme, Unit, UnitRole
from party.models.work import ThemeKind
from pledges.models import Plan, Pledge, RatingScale
from tests.conftest import log_in, make_member, make_user
from tests.party.xlsx_helpers import member, unit, workbook_bytes
from tests.pledges.helpers import deed_post

STALE = "vừa được người khác lưu"
YEAR = 2026


# Concurrent edits -----------------------------------------------------------------------------


def version_on(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page)[1]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers on one file: two truly concurrent saves need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_of_one_registration_lose_nothing(tree, people):
    an = people["an"]
    secretary = make_user("bithu_a", RoleKind.SECRETARY, tree["cell_a"])
    staff = make_user("canbo", RoleKind.STAFF, tree["committee"])
    url = reverse("pledge_edit", args=[an.pk, YEAR])
    first = Client()
    assert log_in(first, secretary.username)
    deeds = [{"content": "Đi làm đúng giờ", "target": "", "deadline": ""}]
    assert first.post(url, deed_post(deeds, commitment="Bản đầu", version="0")).status_code == 302
    pledge = Pledge.objects.get(member=an, year=YEAR)
    deed = pledge.deeds.get()

    clients, posts = [first, Client()], []
    assert log_in(clients[1], staff.username)
    for index, client in enumerate(clients):
        page = client.get(url).content.decode()  # both open the form before either saves
        rows = [{"id": str(deed.pk), "content": f"Việc sửa bởi người {index}", "target": "", "deadline": ""}]
        posts.append(
            deed_post(rows, initial=1, commitment=f"Cam kết của người {index}", version=version_on(page))
        )
    assert {post["version"] for post in posts} == {"1"}

    barrier, responses, spans = threading.Barrier(2), [None, None], [None, None]

    def save(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            started = time.perf_counter()
            responses[index] = clients[index].post(url, posts[index])
            spans[index] = (started, time.perf_counter())
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=save, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert spans[0][0] < spans[1][1] and spans[1][0] < spans[0][1]  # the two saves overlapped
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 302]
    [winner] = [i for i, response in enumerate(responses) if response.status_code == 302]
    loser = 1 - winner
    body = responses[loser].content.decode()
    assert STALE in body
    assert f"Cam kết của người {loser}" in body and f"Việc sửa bởi người {loser}" in body  # kept
    pledge.refresh_from_db()
    assert pledge.version == 2
    assert pledge.commitment == f"Cam kết của người {winner}"
    assert list(pledge.deeds.values_list("content", flat=True)) == [f"Việc sửa bởi người {winner}"]
    assert pledge.history.count() == 2  # the first save and the winner's: nothing silently lost


# Double submits meet a constraint -------------------------------------------------------------


def _twice(create) -> None:
    create()
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_constraints_behind_double_submit_protection(tree, people):
    """The database refuses the second of two identical "new" writes, whatever the page does."""
    cell, an = tree["cell_a"], people["an"]
    user = get_user_model().objects.create_user("hai-lan")
    # One registration per person and year, one plan per unit and year.
    _twice(lambda: Pledge.objects.create(member=an, unit=cell, year=YEAR))
    _twice(lambda: Plan.objects.create(unit=cell, year=YEAR))
    # A unit code, a party card number, one open membership period per person, one role per
    # account and unit, one annual theme a year.
    _twice(lambda: Unit.objects.add_child(cell, {"code": "TRUNG", "short_name": "X", "name": "X"}))
    _twice(lambda: make_member(cell, "Người trùng thẻ", party_card_number="5555"))
    person = make_member(cell, "Người hai quá trình")  # with its open membership period
    assert Membership.objects.filter(member=person, ended_on__isnull=True).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(member=person, unit=cell, started_on=datetime.date(2020, 1, 1))
    _twice(lambda: UnitRole.objects.create(user=user, unit=cell, role=RoleKind.VIEWER))
    _twice(
        lambda: Theme.objects.create(kind=ThemeKind.ANNUAL, start_year=2031, end_year=2031, title="Chuyên đề")
    )
    # One rating rule in force from a given day (added with pledges migration 0008).
    _twice(lambda: RatingScale.objects.create(name="Quy định thử", effective_from=datetime.date(2030, 1, 1)))


def test_a_second_rating_rule_from_the_same_day_is_refused_in_vietnamese(db):
    first = RatingScale.objects.order_by("effective_from").first()
    twin = RatingScale(name="Bản nhập hai lần", effective_from=first.effective_from)
    with pytest.raises(ValidationError) as raised:
        twin.full_clean()  # what the admin form runs before saving
    assert "Đã có một quy định xếp loại có hiệu lực từ ngày này." in raised.value.messages


def test_a_second_new_registration_form_is_refused_in_vietnamese(login, secretary_a, people):
    client = login(secretary_a)
    url = reverse("pledge_edit", args=[people["an"].pk, YEAR])
    data = deed_post([{"content": "Việc 1", "target": "", "deadline": ""}], commitment="", version="0")
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)  # the same form sent again (reload, second tab)
    assert response.status_code == 200 and STALE in response.content.decode()
    assert Pledge.objects.filter(member=people["an"]).count() == 1


# A failure half-way through an import --------------------------------------------------------

POISON = "Người Bị Cơ Sở Dữ Liệu Từ Chối"


@pytest.fixture
def refusing_trigger(db):
    """A trigger that makes the database itself refuse one member row (no Python in between)."""
    table = Member._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_refuse_member() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.full_name = '{POISON}' THEN "
                "RAISE EXCEPTION 'refused by the test trigger' USING ERRCODE = 'check_violation'; "
                "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER test_refuse_member BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse_member()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER test_refuse_member BEFORE INSERT ON {table} "
                f"WHEN NEW.full_name = '{POISON}' "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"
            )
    # The test's transaction is rolled back at its end, and the trigger with it.


def db_state() -> tuple:
    return (
        list(Unit.objects.order_by("pk").values()),
        list(Member.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
    )


def test_a_write_refused_half_way_leaves_nothing_of_the_file(login, staff, people, refusing_trigger):
    data = workbook_bytes(
        [unit("CBM", "DB", "Chi bộ Mới")],
        [member("Nguyễn Văn Mới", "CBM"), member(POISON, "CBA", party_card_number="7007")],
    )
    client = login(staff)
    before = db_state()
    response = client.post(reverse("import_upload"), {"file": _upload(data)})
    assert response.status_code == 302  # the preview found nothing wrong
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PENDING

    response = client.post(reverse("import_confirm", args=[batch.pk]))
    assert response.status_code == 302  # not a 500
    page = client.get(response.url).content.decode()
    assert "Cơ sở dữ liệu từ chối ghi một dòng của tệp" in page
    assert "không dữ liệu nào của tệp được ghi" in page
    assert db_state() == before  # the unit CBM, inserted before the refused row, is gone too
    assert not Unit.objects.filter(code="CBM").exists()
    assert not Member.objects.filter(full_name="Nguyễn Văn Mới").exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING and batch.committed_at is None


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("nhap.xlsx", data)
