"""Printable pages: a person's registration as a form to sign, and the cell's list for the year."""

import datetime

import pytest
from django.urls import reverse

from party.years import current_year
from pledges.models import Pledge, PledgeDeed, PledgeStatus, RatingLevel

YEAR = current_year()


@pytest.fixture
def an_pledge(tree, people):
    pledge = Pledge.objects.create(
        member=people["an"], unit=tree["cell_a"], year=YEAR, commitment="Gương mẫu, tận tụy với công việc"
    )
    PledgeDeed.objects.create(
        pledge=pledge, content="Đi làm đúng giờ", target="100% ngày công",
        deadline=datetime.date(YEAR, 3, 5), position=1,
    )  # fmt: skip
    PledgeDeed.objects.create(pledge=pledge, content="Tiết kiệm điện", target="Giảm 10%", position=2)
    return pledge


def test_pledge_print_is_a_form_to_sign_with_the_persons_deeds(login, secretary_a, an_pledge):
    response = login(secretary_a).get(reverse("pledge_print", args=[an_pledge.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        f"BẢN ĐĂNG KÝ HỌC TẬP VÀ LÀM THEO TƯ TƯỞNG, ĐẠO ĐỨC, PHONG CÁCH HỒ CHÍ MINH NĂM {YEAR}",
        "Nguyễn Văn An",
        "Chi bộ A",
        "Đảng viên chính thức",
        "Gương mẫu, tận tụy với công việc",
        "Đi làm đúng giờ",
        "100% ngày công",
        f"05/03/{YEAR}",
        "Tiết kiệm điện",
        "ngày …… tháng …… năm",
        "XÁC NHẬN CỦA CHI BỘ",
        "NGƯỜI ĐĂNG KÝ",
        "data-print",
    ]:
        assert text in page, text
    assert page.index("Đi làm đúng giờ") < page.index("Tiết kiệm điện")


def test_pledge_print_of_another_cell_is_404(login, secretary_b, an_pledge):
    assert login(secretary_b).get(reverse("pledge_print", args=[an_pledge.pk])).status_code == 404


def test_cell_print_lists_every_person_with_deeds_and_rating(login, secretary_a, tree, people, an_pledge):
    level = RatingLevel.objects.order_by("scale__effective_from", "position").first()
    Pledge.objects.filter(pk=an_pledge.pk).update(status=PledgeStatus.EVALUATED, rating=level)
    client = login(secretary_a)
    response = client.get(reverse("cell_print", args=[tree["cell_a"].pk, YEAR]))
    assert response.status_code == 200
    page = response.content.decode()
    expected = ["ĐẢNG CỘNG SẢN VIỆT NAM", "CHI BỘ A", "Nguyễn Văn An", "1. Đi làm đúng giờ"]
    expected += ["2. Tiết kiệm điện", level.name, "Trần Thị Bình", "Chưa đăng ký", "T/M CHI BỘ"]
    for text in expected:
        assert text in page, text
    assert "Lê Văn Cường" not in page
    cell_page = client.get(reverse("cell_year", args=[tree["cell_a"].pk, YEAR])).content.decode()
    assert f'href="{reverse("cell_print", args=[tree["cell_a"].pk, YEAR])}"' in cell_page
    assert f'href="{reverse("leaders", args=[tree["cell_a"].pk, YEAR])}"' in cell_page


def test_cell_print_of_another_cell_is_404(login, secretary_b, tree, an_pledge):
    client = login(secretary_b)
    assert client.get(reverse("cell_print", args=[tree["cell_a"].pk, YEAR])).status_code == 404
    assert client.get(reverse("cell_print", args=[tree["cell_b"].pk, YEAR])).status_code == 200


def test_cell_print_rejects_years_outside_the_directive(login, secretary_a, tree):
    assert login(secretary_a).get(reverse("cell_print", args=[tree["cell_a"].pk, 2015])).status_code == 404


@pytest.mark.parametrize("people_count", [2, 12])
def test_cell_print_queries_do_not_grow_with_the_cell(
    login, secretary_a, tree, people, an_pledge, django_assert_num_queries, people_count
):
    from tests.conftest import make_member

    for index in range(people_count - 2):
        member = make_member(tree["cell_a"], f"Người {index}")
        pledge = Pledge.objects.create(member=member, unit=tree["cell_a"], year=YEAR)
        PledgeDeed.objects.create(pledge=pledge, content="Việc", position=1)
    client = login(secretary_a)
    # session, user, their roles (scope, and can_import for the menu; one query since the login
    # backend is Django's own), the unit, its parent; people; registrations with ratings; deeds;
    # the access-log entry.
    with django_assert_num_queries(9):
        assert client.get(reverse("cell_print", args=[tree["cell_a"].pk, YEAR])).status_code == 200


def test_print_css_hides_navigation():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/app.css")).read_text(encoding="utf-8")
    print_rules = "".join(css.split("@media print")[1:])  # every print block
    assert ".no-print" in print_rules and ".breadcrumb" in print_rules
    assert ".topbar" in css[css.index("@media print") :]
