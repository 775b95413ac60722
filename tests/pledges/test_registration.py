import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from party.models import PartyStatus
from party.years import year_choices
from pledges.models import NotEvaluatedReason, Plan, Pledge, PledgeStatus
from tests.conftest import make_member
from tests.pledges.helpers import deed_post

YEAR = 2026


def edit_url(member, year=YEAR):
    return reverse("pledge_edit", args=[member.pk, year])


THREE_DEEDS = [
    {"content": "Đi làm đúng giờ", "target": "100% ngày công", "deadline": "2026-12-31"},
    {"content": "Tiết kiệm điện", "target": "Giảm 10%", "deadline": ""},
    {"content": "Giúp đỡ đồng nghiệp", "target": "", "deadline": ""},
]


def test_secretary_registers_a_member_with_three_deeds(login, secretary_a, people, tree):
    client = login(secretary_a)
    assert client.get(edit_url(people["an"])).status_code == 200
    response = client.post(edit_url(people["an"]), deed_post(THREE_DEEDS, commitment="Cam kết", version="0"))
    assert response.status_code == 302
    pledge = Pledge.objects.get(member=people["an"], year=YEAR)
    assert pledge.unit == tree["cell_a"]
    assert [d.content for d in pledge.deeds.all()] == [d["content"] for d in THREE_DEEDS]
    assert pledge.history.count() == 1
    page = client.get(reverse("cell_year", args=[tree["cell_a"].pk, YEAR])).content.decode()
    assert "Đã đăng ký" in page


def test_secretary_cannot_open_other_cells_registration(login, secretary_a, people):
    client = login(secretary_a)
    assert client.get(edit_url(people["cuong"])).status_code == 404
    response = client.post(edit_url(people["cuong"]), deed_post(THREE_DEEDS, version="0"))
    assert response.status_code == 404
    assert not Pledge.objects.exists()


def test_an_existing_registration_is_scoped_through_its_unit(
    login, secretary_a, secretary_b, viewer, people, django_assert_num_queries
):
    assert (
        login(secretary_b).post(edit_url(people["cuong"]), deed_post(THREE_DEEDS, version="0")).status_code
        == 302
    )
    assert login(secretary_a).get(edit_url(people["cuong"])).status_code == 404
    pledge = Pledge.objects.get()
    response = login(secretary_a).post(edit_url(people["cuong"]), deed_post(THREE_DEEDS[:1], version="1"))
    assert response.status_code == 404
    client = login(viewer)  # reads the committee's registrations, edits none
    page = client.get(edit_url(people["cuong"])).content.decode()
    assert "Lê Văn Cường" in page
    assert client.post(edit_url(people["cuong"]), deed_post(THREE_DEEDS[:1], version="1")).status_code == 403
    client = login(secretary_b)
    # session, user, their roles, the registration with person and unit, last year's, the deeds:
    # reading and editing scope are decided from the roles already loaded.
    with django_assert_num_queries(6):
        assert client.get(edit_url(people["cuong"])).status_code == 200
    pledge.refresh_from_db()
    assert pledge.deeds.count() == 3 and pledge.version == 1


def test_second_submit_of_a_new_registration_creates_one_record(login, secretary_a, people):
    client = login(secretary_a)
    data = deed_post(THREE_DEEDS, commitment="", version="0")
    assert client.post(edit_url(people["an"]), data).status_code == 302
    response = client.post(edit_url(people["an"]), data)
    assert response.status_code == 200
    assert "vừa được người khác lưu" in response.content.decode()
    assert Pledge.objects.filter(member=people["an"]).count() == 1


def test_later_save_on_a_stale_copy_is_refused_and_keeps_typed_text(login, secretary_a, staff, people):
    client = login(secretary_a)
    client.post(edit_url(people["an"]), deed_post(THREE_DEEDS[:1], commitment="v1", version="0"))
    pledge = Pledge.objects.get()
    deed = pledge.deeds.get()
    rows = [{"id": str(deed.pk), "content": "Sửa lần A", "target": "", "deadline": ""}]
    assert (
        client.post(
            edit_url(people["an"]), deed_post(rows, initial=1, commitment="A", version="1")
        ).status_code
        == 302
    )
    response = client.post(
        edit_url(people["an"]), deed_post(rows, initial=1, commitment="Bản của B", version="1")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "vừa được người khác lưu" in body and "Bản của B" in body
    pledge.refresh_from_db()
    assert pledge.commitment == "A"


def test_a_registration_needs_at_least_one_deed(login, secretary_a, people):
    response = login(secretary_a).post(edit_url(people["an"]), deed_post([], version="0"))
    assert response.status_code == 200
    assert "Cần ít nhất một việc làm" in response.content.decode()
    assert not Pledge.objects.exists()


def test_removing_a_deed_row_deletes_only_that_deed(login, secretary_a, people):
    client = login(secretary_a)
    client.post(edit_url(people["an"]), deed_post(THREE_DEEDS, version="0"))
    deeds = list(Pledge.objects.get().deeds.all())
    rows = [{"id": str(d.pk), "content": d.content, "target": d.target, "deadline": ""} for d in deeds]
    rows[1]["DELETE"] = True
    rows.append({"content": "Việc mới", "target": "", "deadline": ""})
    assert client.post(edit_url(people["an"]), deed_post(rows, initial=3, version="1")).status_code == 302
    assert [d.content for d in Pledge.objects.get().deeds.all()] == [
        "Đi làm đúng giờ",
        "Giúp đỡ đồng nghiệp",
        "Việc mới",
    ]


def test_copy_from_last_year_prefills_commitment_and_deeds(login, secretary_a, people):
    client = login(secretary_a)
    client.post(edit_url(people["an"], 2025), deed_post(THREE_DEEDS, commitment="Năm trước", version="0"))
    page = client.get(edit_url(people["an"]) + "?copy=1").content.decode()
    assert "Năm trước" in page and "Tiết kiệm điện" in page
    assert not Pledge.objects.filter(year=YEAR).exists()


@pytest.mark.parametrize("year", [2015, 2099])
def test_years_outside_the_directive_are_404(login, secretary_a, people, year):
    assert login(secretary_a).get(edit_url(people["an"], year)).status_code == 404


def test_evaluated_registration_is_locked_until_staff_reopen_it(login, client, secretary_a, staff, people):
    login(secretary_a).post(edit_url(people["an"]), deed_post(THREE_DEEDS, version="0"))
    pledge = Pledge.objects.get()
    Pledge.objects.filter(pk=pledge.pk).update(status=PledgeStatus.EVALUATED)
    page = client.get(edit_url(people["an"])).content.decode()
    assert "chỉ xem được" in page and "Mở lại để sửa" not in page
    response = client.post(edit_url(people["an"]), deed_post(THREE_DEEDS[:1], version="1"))
    assert response.status_code == 403
    assert client.post(reverse("pledge_reopen", args=[pledge.pk])).status_code == 403

    client.logout()
    staff_client = login(staff)
    assert staff_client.get(reverse("pledge_reopen", args=[pledge.pk])).status_code == 405
    assert staff_client.post(reverse("pledge_reopen", args=[pledge.pk])).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.REGISTERED
    assert pledge.history.first().history_change_reason == "Mở lại để sửa"
    assert pledge.history.first().history_user == staff


def test_cell_year_page_lists_every_member_with_state(login, secretary_a, people, tree):
    client = login(secretary_a)
    client.post(edit_url(people["an"]), deed_post(THREE_DEEDS, version="0"))
    response = client.get(reverse("cell_year", args=[tree["cell_a"].pk, YEAR]))
    body = response.content.decode()
    assert "Nguyễn Văn An" in body and "Trần Thị Bình" in body and "Lê Văn Cường" not in body
    assert response.context["registered"] == 1 and response.context["total"] == 2
    assert response.context["share"] == 50
    assert client.get(reverse("cell_year", args=[tree["cell_b"].pk, YEAR])).status_code == 404
    # The year switch: every year of the cycle, plain digits (not "2.026"), this one chosen.
    options = re.findall(r'<option value="(\d+)"( selected)?>(\d+)</option>', body)
    assert [int(value) for value, _, _ in options] == year_choices()
    assert [(value, text) for value, chosen, text in options if chosen] == [(str(YEAR), str(YEAR))]


def test_cell_year_rows_show_state_rating_and_the_right_link(login, secretary_a, viewer, people, tree):
    odd = make_member(tree["cell_a"], "<b>Hoa</b> & Co", party_status=PartyStatus.PROBATIONARY)
    Pledge.objects.create(member=people["an"], unit=tree["cell_a"], year=YEAR, deed_count=3)
    Pledge.objects.create(
        member=odd,
        unit=tree["cell_a"],
        year=YEAR,
        status=PledgeStatus.NOT_EVALUATED,
        not_evaluated_reason=NotEvaluatedReason.SICK_LEAVE,
    )
    url = reverse("cell_year", args=[tree["cell_a"].pk, YEAR])
    # Whitespace between tags does not matter to a browser.
    body = re.sub(r">\s+<", "><", login(secretary_a).get(url).content.decode())
    an, binh, hoa = (edit_url(people["an"]), edit_url(people["binh"]), edit_url(odd))
    assert '<span class="tag state-registered">Đã đăng ký</span>' in body
    assert f'<td class="num">3</td><td></td><td><a href="{an}">Sửa</a></td>' in body
    assert 'Trần Thị Bình <span class="tag">BTV</span></td>' in body
    assert '<span class="tag state-none">Chưa đăng ký</span>' in body
    assert f'<a href="{binh}">Đăng ký</a>' in body
    assert "<td>&lt;b&gt;Hoa&lt;/b&gt; &amp; Co</td><td>Đảng viên dự bị</td>" in body
    assert f'<td>Nghỉ ốm dài ngày</td><td><a href="{hoa}">Xem</a></td>' in body
    read_only = login(viewer).get(url).content.decode()
    assert f'<a href="{an}">Xem</a>' in read_only and f'<a href="{binh}">Xem</a>' in read_only


def test_my_cell_sends_the_secretary_to_her_cell(login, secretary_a, tree):
    response = login(secretary_a).get(reverse("my_cell"))
    assert response.status_code == 302
    assert response.url == reverse("cell_year", args=[tree["cell_a"].pk, datetime.date.today().year])


def test_plan_is_entered_with_deeds(login, secretary_a, tree):
    client = login(secretary_a)
    url = reverse("plan_edit", args=[tree["cell_a"].pk, YEAR])
    assert client.get(url).status_code == 200
    data = deed_post(
        THREE_DEEDS[:2],
        title="Kế hoạch 2026",
        document_number="05-KH/CB",
        document_date="2026-02-01",
        version="0",
    )
    assert client.post(url, data).status_code == 302
    plan = tree["cell_a"].plans.get(year=YEAR)
    assert plan.deeds.count() == 2 and plan.document_number == "05-KH/CB"
    assert client.get(reverse("plan_edit", args=[tree["cell_b"].pk, YEAR])).status_code == 404


def test_a_plan_saved_twice_from_the_same_new_form_is_refused_with_the_typed_text_kept(
    login, secretary_a, tree
):
    client = login(secretary_a)
    url = reverse("plan_edit", args=[tree["cell_a"].pk, YEAR])
    data = deed_post(THREE_DEEDS[:1], title="Kế hoạch lần đầu", version="0")
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "title": "Kế hoạch gửi lại"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kế hoạch này vừa được người khác lưu" in body and "Kế hoạch gửi lại" in body
    assert tree["cell_a"].plans.get(year=YEAR).title == "Kế hoạch lần đầu"


def test_viewer_reads_but_cannot_save_a_plan(login, viewer, tree):
    client = login(viewer)
    url = reverse("plan_edit", args=[tree["cell_a"].pk, YEAR])
    assert client.get(url).status_code == 200
    assert client.post(url, deed_post(THREE_DEEDS, title="x", version="0")).status_code == 403


# session, user, their roles (reading and editing scope, the navigation's import link), the unit,
# its plan of the year, its people, their registrations with ratings (Pledge.objects.of_people_in).
# It was 4 with the login backend's roles join and the compiled unit-with-plan and people joins.
QUERIES_CELL_YEAR = 7


def test_cell_year_page_shows_the_plan_of_that_year(login, secretary_a, viewer, tree):
    url = reverse("cell_year", args=[tree["cell_a"].pk, YEAR])
    plan_url = reverse("plan_edit", args=[tree["cell_a"].pk, YEAR])
    Plan.objects.create(unit=tree["cell_a"], year=YEAR - 1, title="Kế hoạch năm trước", deed_count=4)
    Plan.objects.create(unit=tree["cell_b"], year=YEAR, title="Kế hoạch chi bộ B", deed_count=5)
    page = login(secretary_a).get(url).content.decode()
    assert f'<a href="{plan_url}">Chưa có — nhập kế hoạch</a>' in page
    assert "năm trước" not in page and "chi bộ B" not in page
    assert "<dd>Chưa có</dd>" in login(viewer).get(url).content.decode()  # a viewer enters none
    Plan.objects.create(unit=tree["cell_a"], year=YEAR, title="Kế hoạch <năm nay>", deed_count=3)
    page = login(secretary_a).get(url).content.decode()
    assert f'<a href="{plan_url}">Kế hoạch &lt;năm nay&gt;</a> (3 việc làm)' in page


def test_cell_year_page_uses_a_fixed_number_of_queries(login, secretary_a, tree):

    client = login(secretary_a)
    url = reverse("cell_year", args=[tree["cell_a"].pk, YEAR])

    def count_for(people: int) -> int:
        for index in range(people):
            member = make_member(tree["cell_a"], f"Người Thứ {index}")
            Pledge.objects.create(member=member, unit=tree["cell_a"], year=YEAR)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small, large = count_for(2), count_for(40)
    assert small == large == QUERIES_CELL_YEAR
