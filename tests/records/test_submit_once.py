"""One entry form creates one record, of every kind.

A new record's form carries a one-time token that is stored with the row under a unique
constraint, so the same form sent again (a reload, after signing in again, or two sends at the very
same instant handled by two workers) lands on the record the first send created, never a twin:
meeting and award counts feed the review report.
"""

import datetime
import re
import threading
from importlib import import_module

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from party.models import Meeting, Membership, RoleKind
from party.records.registry import by_slug, record_types
from party.records.views import USED_FORM_MESSAGE
from tests.conftest import log_in, make_user
from tests.records.test_awards import award_data, make_award
from tests.records.test_conferences import conference_data, make_conference
from tests.records.test_documents import PDF_BYTES, document_data, make_document, upload
from tests.records.test_inspections import inspection_data, make_inspection
from tests.records.test_meetings import make_meeting, meeting_data
from tests.records.test_practices import make_practice, practice_data
from tests.security.test_subject_export import download, sheet_rows

ALREADY_SAVED = "Bản ghi này đã được lưu ở lần gửi trước; không tạo thêm bản thứ hai."
SENDS_AT_ONCE = 8

# The filled form of each kind, as a secretary of cell A sends it (a new dict, and a new upload for
# documents, at each call: an upload is read once).
FILLED_FORMS = {
    "meetings": lambda tree, people: meeting_data(tree["cell_a"]),
    "inspections": lambda tree, people: inspection_data(tree["cell_a"]),
    "documents": lambda tree, people: document_data(tree["cell_a"], upload("ke-hoach.pdf", PDF_BYTES)),
    "conferences": lambda tree, people: conference_data(tree["cell_a"]),
    "awards": lambda tree, people: award_data(member=people["an"]),
    "practices": lambda tree, people: practice_data(tree["cell_a"]),
}
SAVED_RECORDS = {
    "meetings": lambda tree, people, **token: make_meeting(tree["cell_a"], **token),
    "inspections": lambda tree, people, **token: make_inspection(tree["cell_a"], **token),
    "documents": lambda tree, people, **token: make_document(tree["cell_a"], **token),
    "conferences": lambda tree, people, **token: make_conference(tree["cell_a"], **token),
    "awards": lambda tree, people, **token: make_award(member=people["an"], **token),
    "practices": lambda tree, people, **token: make_practice(tree["cell_a"], **token),
}


def model_of(slug: str):
    return by_slug(slug).model


def opened_form(client, slug: str, tree) -> str:
    """Open the new-record page as the person does and return the form's one-time token."""
    page = client.get(reverse(f"{slug}_create") + f"?unit={tree['cell_a'].pk}").content.decode()
    return re.search(r'name="submit_token" value="([^"]+)"', page)[1]


def stored_files(media) -> list[str]:
    return sorted(path.name for path in media.rglob("*") if path.is_file())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def award_reference_data(people):
    """Awards are filed under the unit the person was in on the decision date (2025): An's period
    starts before it. The seeded award forms and issuers are put back, since a test run on a
    flushed database (transaction=True) has lost the migrations' rows."""
    import_module("pledges.migrations.0005_seed_award_reference_data").seed(apps, None)
    Membership.objects.update(started_on=datetime.date(2016, 1, 1))


def test_every_kind_of_record_is_covered_here():
    assert {record_type.slug for record_type in record_types()} == set(FILLED_FORMS) == set(SAVED_RECORDS)


@pytest.mark.parametrize("slug", SAVED_RECORDS)
def test_the_database_refuses_a_second_record_with_the_same_token(slug, tree, people, award_reference_data):
    make = SAVED_RECORDS[slug]
    make(tree, people, submit_token="mot-lan")
    with pytest.raises(IntegrityError), transaction.atomic():
        make(tree, people, submit_token="mot-lan")
    # Imported and admin-entered rows have no token: any number of them.
    make(tree, people)
    make(tree, people)
    assert model_of(slug).all_objects.count() == 3


@pytest.mark.parametrize("slug", FILLED_FORMS)
def test_a_new_form_sent_again_lands_on_the_first_record_even_after_signing_in_again(
    client, secretary_a, tree, people, slug, media, award_reference_data
):
    assert log_in(client, secretary_a.username)
    token = opened_form(client, slug, tree)
    url = reverse(f"{slug}_create")
    first = client.post(url, {**FILLED_FORMS[slug](tree, people), "submit_token": token})
    assert first.status_code == 302, first.content.decode()[:2000]
    again = client.post(url, {**FILLED_FORMS[slug](tree, people), "submit_token": token})  # a reload
    # The reply was lost and the session ran out: the person signs in again and sends it again.
    assert log_in(client, secretary_a.username)
    later = client.post(url, {**FILLED_FORMS[slug](tree, people), "submit_token": token})
    record = model_of(slug).all_objects.get()
    detail = reverse(f"{slug}_detail", args=[record.pk])
    assert first["Location"] == again["Location"] == later["Location"] == detail
    assert ALREADY_SAVED in client.get(later["Location"]).content.decode()
    if slug == "documents":
        assert stored_files(media) == [record.file.name.removeprefix("documents/")]


def test_a_token_of_someone_elses_record_neither_shows_it_nor_creates_one(
    client, secretary_a, secretary_b, tree
):
    assert log_in(client, secretary_a.username)
    token = opened_form(client, "meetings", tree)
    data = meeting_data(tree["cell_a"], topic="Sinh hoạt của chi bộ A", submit_token=token)
    assert client.post(reverse("meetings_create"), data).status_code == 302
    assert log_in(client, secretary_b.username)
    data = meeting_data(tree["cell_b"], topic="Sinh hoạt của chi bộ B", submit_token=token)
    response = client.post(reverse("meetings_create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert USED_FORM_MESSAGE in page and "Sinh hoạt của chi bộ A" not in page
    assert list(Meeting.all_objects.values_list("unit", flat=True)) == [tree["cell_a"].pk]


def test_a_form_whose_record_was_deleted_since_is_not_saved_again(client, secretary_a, staff, tree):
    assert log_in(client, secretary_a.username)
    token = opened_form(client, "meetings", tree)
    data = meeting_data(tree["cell_a"], submit_token=token)
    assert client.post(reverse("meetings_create"), data).status_code == 302
    Meeting.objects.get().mark_deleted(staff)
    response = client.post(reverse("meetings_create"), data)  # back, and send again
    assert response.status_code == 200 and USED_FORM_MESSAGE in response.content.decode()
    assert Meeting.all_objects.count() == 1


def test_the_token_stays_out_of_the_history_in_a_persons_data_export(
    client, secretary_a, staff, tree, people, award_reference_data
):
    assert log_in(client, secretary_a.username)
    token = opened_form(client, "awards", tree)
    data = {**award_data(member=people["an"]), "submit_token": token}
    assert client.post(reverse("awards_create"), data).status_code == 302
    assert log_in(client, staff.username)
    _, book = download(client, people["an"])
    history = "\n".join(str(cell) for row in sheet_rows(book, "Lịch sử thay đổi") for cell in row)
    assert "125-QĐ/ĐU" in history  # the award's creation is there, its form's token is not
    assert token not in history


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers on one file: two truly concurrent saves need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("slug", FILLED_FORMS)
def test_the_same_new_form_sent_many_times_at_the_same_instant_creates_one_record(
    tree, people, slug, media, award_reference_data
):
    secretary = make_user("bithu_a", RoleKind.SECRETARY, tree["cell_a"])
    first = Client()
    assert log_in(first, secretary.username)
    token = opened_form(first, slug, tree)
    # One browser sending the same form again and again: the same session, the same token.
    clients = [first]
    for _ in range(SENDS_AT_ONCE - 1):
        clients.append(Client())
        clients[-1].cookies.load({name: morsel.value for name, morsel in first.cookies.items()})
    posts = [{**FILLED_FORMS[slug](tree, people), "submit_token": token} for _ in clients]
    url = reverse(f"{slug}_create")
    barrier, responses = threading.Barrier(len(clients)), [None] * len(clients)

    def send(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            responses[index] = clients[index].post(url, posts[index])
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    record = model_of(slug).all_objects.get()  # exactly one
    detail = reverse(f"{slug}_detail", args=[record.pk])
    # Every send ends on that record, also those whose checks already saw it (an award's
    # duplicate warning) or whose insert met the first's token.
    assert [response.status_code for response in responses] == [302] * len(clients)
    assert {response["Location"] for response in responses} == {detail}
    if slug == "documents":  # the refused sends' uploads do not stay on disk
        assert stored_files(media) == [record.file.name.removeprefix("documents/")]
