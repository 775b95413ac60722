from django.urls import reverse

from pledges.models import Pledge, PledgeStatus
from tests.pledges.helpers import deed_post


def make_pledges(people, tree):
    Pledge.objects.create(member=people["an"], unit=tree["cell_a"], year=2025, status=PledgeStatus.EVALUATED)
    Pledge.objects.create(member=people["an"], unit=tree["cell_a"], year=2026)
    Pledge.objects.create(
        member=people["cuong"], unit=tree["cell_b"], year=2025, status=PledgeStatus.EVALUATED
    )


def changelist(client, **params):
    response = client.get(reverse("admin:pledges_pledge_changelist"), params)
    assert response.status_code == 200
    return set(response.context["cl"].result_list.values_list("member__full_name", "year"))


def test_registration_list_filters_by_year_state_and_unit(login, admin_user, people, tree):
    make_pledges(people, tree)
    client = login(admin_user)
    assert changelist(client, year="2025") == {("Nguyễn Văn An", 2025), ("Lê Văn Cường", 2025)}
    assert changelist(client, status="registered") == {("Nguyễn Văn An", 2026)}
    assert changelist(client, unit="CBB") == {("Lê Văn Cường", 2025)}
    assert changelist(client, unit="DB", year="2025", status="evaluated") == {
        ("Nguyễn Văn An", 2025),
        ("Lê Văn Cường", 2025),
    }
    assert changelist(client, unit="KHONGCO") == set()


def test_history_page_shows_who_changed_a_registration(login, client, secretary_a, admin_user, people):
    url = reverse("pledge_edit", args=[people["an"].pk, 2026])
    login(secretary_a).post(
        url, deed_post([{"content": "Đi làm đúng giờ"}], commitment="Lần đầu", version="0")
    )
    client.logout()
    pledge = Pledge.objects.get()
    page = login(admin_user).get(reverse("admin:pledges_pledge_history", args=[pledge.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Lịch sử" in body and "bithu_a" in body
