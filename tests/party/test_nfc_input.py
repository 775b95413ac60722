"""Text typed decomposed (NFD, as some phones and input methods send Vietnamese) is stored composed
(NFC), on every path: a page form, the admin, an import. Stored NFD would look the same on screen
and then miss every comparison with the composed text the rest of the data holds."""

import unicodedata

import pytest
from django.urls import reverse

from party.models import Meeting, Member
from pledges.models import AwardIssuer
from tests.party.test_admin import form_data
from tests.party.test_import import confirm, preview
from tests.party.xlsx_helpers import member, workbook_bytes
from tests.records.test_meetings import meeting_data

pytestmark = pytest.mark.django_db


def nfd(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    return decomposed


def test_a_meeting_topic_typed_decomposed_is_stored_composed(login, secretary_a, tree):
    client = login(secretary_a)
    topic = "Học tập tấm gương tiết kiệm của Bác"
    response = client.post(reverse("meetings_create"), meeting_data(tree["cell_a"], topic=nfd(topic)))
    assert response.status_code == 302
    assert Meeting.objects.get().topic == topic
    assert Meeting.objects.filter(topic__contains="tiết kiệm").exists()


def test_an_award_issuer_named_decomposed_in_the_admin_is_stored_composed(admin_client):
    """Two issuers that differ only in their Unicode form would be two rows of the same name."""
    url = reverse("admin:pledges_awardissuer_add")
    data = form_data(admin_client.get(url), "awardissuer_form")
    data.update(name=[nfd("Chủ tịch Ủy ban nhân dân phường Bến Thành")], sort_order=["9"])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AwardIssuer.objects.filter(name="Chủ tịch Ủy ban nhân dân phường Bến Thành").exists()


def test_imported_cells_typed_decomposed_are_stored_composed(login, staff, tree):
    client = login(staff)
    row = member(nfd("Đỗ Thị Hương"), "CBA", position=nfd("Phó trưởng phòng"))
    batch, _ = preview(client, workbook_bytes(None, [row]))
    confirm(client, batch)
    person = Member.objects.get(search_name="do thi huong")
    assert (person.full_name, person.position) == ("Đỗ Thị Hương", "Phó trưởng phòng")
