"""A person who moved between cells during the year is on both cells' pages; each page links to
their registration page only where it opens for the reader (registration_readable).

The load test found it: the province data's movers gave 1.6% of the secretaries' page requests a
404 from a link on their own cell page.
"""

import datetime
import re

import pytest
from django.urls import reverse

from party.models import transfer_member
from party.years import current_year
from pledges.models import Pledge
from tests.conftest import make_member

YEAR = current_year()  # members are created today, so their periods lie in this year
PLEDGE_LINK = re.compile(r'href="(/pledges/\d+/\d+/)"')


@pytest.fixture
def movers(tree):
    """Em registered in A, then moved to B; Phúc moved from A to B before registering."""
    em = make_member(tree["cell_a"], "Hoàng Văn Em")
    Pledge.objects.create(member=em, unit=tree["cell_a"], year=YEAR)
    phuc = make_member(tree["cell_a"], "Lý Văn Phúc")
    for person in (em, phuc):
        transfer_member(member=person, to_unit=tree["cell_b"], on=datetime.date.today())
    return {"em": em, "phuc": phuc}


def links(page: str) -> list[str]:
    return PLEDGE_LINK.findall(page)


def cell_page(client, cell) -> str:
    response = client.get(reverse("cell_year", args=[cell.pk, YEAR]))
    assert response.status_code == 200
    return response.content.decode()


def test_every_registration_link_on_a_cell_page_opens_for_its_secretary(
    login, tree, movers, secretary_a, secretary_b
):
    for secretary, cell in ((secretary_a, tree["cell_a"]), (secretary_b, tree["cell_b"])):
        client = login(secretary)
        found = links(cell_page(client, cell))
        assert found
        assert all(client.get(url).status_code == 200 for url in found), secretary.username


def test_the_new_cell_shows_a_registration_made_in_the_old_one_without_a_link(
    login, tree, movers, secretary_b
):
    client = login(secretary_b)
    page = cell_page(client, tree["cell_b"])
    em, phuc = movers["em"], movers["phuc"]
    assert "Hoàng Văn Em" in page and "Đăng ký tại đơn vị khác" in page
    assert reverse("pledge_edit", args=[em.pk, YEAR]) not in page
    assert client.get(reverse("pledge_edit", args=[em.pk, YEAR])).status_code == 404
    assert reverse("pledge_edit", args=[phuc.pk, YEAR]) in page  # B may register Phúc


def test_the_old_cell_keeps_its_registration_and_no_link_for_who_left_unregistered(
    login, tree, movers, secretary_a
):
    page = cell_page(login(secretary_a), tree["cell_a"])
    assert reverse("pledge_edit", args=[movers["em"].pk, YEAR]) in page
    assert reverse("pledge_edit", args=[movers["phuc"].pk, YEAR]) not in page
    assert "Đã chuyển đi" in page


def test_the_evaluation_table_links_only_registrations_that_open(login, tree, movers, secretary_b):
    client = login(secretary_b)
    response = client.get(reverse("cell_evaluation", args=[tree["cell_b"].pk, YEAR]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hoàng Văn Em" in page
    assert reverse("pledge_edit", args=[movers["em"].pk, YEAR]) not in page
    assert all(client.get(url).status_code == 200 for url in links(page))
