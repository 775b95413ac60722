import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from party.models import Membership
from pledges.models import NotEvaluatedReason, Pledge, PledgeDeed, PledgeStatus, RatingLevel
from tests.conftest import make_member
from tests.pledges.helpers import deed_post

YEAR = 2026  # rated under Quy định 366-QĐ/TW (score decides the level)
OLD_YEAR = 2022  # rated under Quy định 132-QĐ/TW (no score rule)


def url(unit, year=YEAR):
    return reverse("cell_evaluation", args=[unit.pk, year])


def level(name, year=YEAR):
    return RatingLevel.objects.get(name=name, scale__effective_from__year=2025 if year >= 2025 else 2018)


def make_pledge(member, year=YEAR, deeds=("Đi làm đúng giờ", "Tiết kiệm điện", "Giúp đỡ đồng nghiệp")):
    pledge = Pledge.objects.create(member=member, unit=member.unit, year=year, commitment="Cam kết")
    for position, content in enumerate(deeds, start=1):
        PledgeDeed.objects.create(pledge=pledge, content=content, position=position)
    return pledge


def row(pledge, *, done=(), **fields) -> dict:
    """One row as the browser posts it: version, ticked deeds and the typed fields."""
    pledge.refresh_from_db()
    data = {f"p{pledge.pk}-version": str(pledge.version)}
    for deed in pledge.deeds.all():
        if deed.content in done:
            data[f"p{pledge.pk}-deed_{deed.pk}"] = "on"
    for name in ("score", "rating", "rating_reason", "evaluation_comment", "not_evaluated_reason"):
        data[f"p{pledge.pk}-{name}"] = fields.get(name, "")
    return data


def post(*rows) -> dict:
    data = {}
    for r in rows:
        data.update(r)
    return data


@pytest.fixture
def pledges(people):
    # The people joined their cells years ago, so they belong to the cell in every year tested.
    Membership.objects.update(started_on=datetime.date(2016, 1, 1))
    return {"an": make_pledge(people["an"]), "binh": make_pledge(people["binh"])}


def test_table_lists_every_person_of_the_cell(login, secretary_a, tree, people, pledges):
    member = make_member(tree["cell_a"], "Đỗ Văn Chưa")
    Membership.objects.filter(member=member).update(started_on=datetime.date(2016, 1, 1))
    response = login(secretary_a).get(url(tree["cell_a"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nguyễn Văn An" in body and "Trần Thị Bình" in body and "Lê Văn Cường" not in body
    assert "Chưa đăng ký nên không đánh giá" in body
    assert "Tiết kiệm điện" in body and "Quy định 366-QĐ/TW" in body
    assert f'name="p{pledges["an"].pk}-score"' in body
    assert "style=" not in body and "onclick" not in body and "<script>" not in body


def test_whole_cell_is_evaluated_in_one_submit(login, secretary_a, tree, pledges):
    client = login(secretary_a)
    good, excellent = level("Hoàn thành tốt nhiệm vụ"), level("Hoàn thành xuất sắc nhiệm vụ")
    data = post(
        row(pledges["an"], done=("Đi làm đúng giờ", "Tiết kiệm điện"), score="80", evaluation_comment="Tốt"),
        row(pledges["binh"], done=("Đi làm đúng giờ",), rating=str(excellent.pk), score="95"),
    )
    response = client.post(url(tree["cell_a"]), data)
    assert response.status_code == 302
    assert response.url == reverse("cell_year", args=[tree["cell_a"].pk, YEAR])
    an, binh = (Pledge.objects.get(pk=p.pk) for p in (pledges["an"], pledges["binh"]))
    assert an.status == binh.status == PledgeStatus.EVALUATED
    assert an.rating == good and an.score == Decimal("80") and an.evaluation_comment == "Tốt"
    assert binh.rating == excellent and binh.evaluated_at is not None
    assert an.version == 2 and binh.version == 2
    assert [d.done for d in an.deeds.all()] == [True, True, False]

    page = client.get(response.url)
    assert page.context["evaluated"] == 2
    assert "2 người được xếp loại" in page.content.decode()


def test_score_decides_the_level_under_366(login, secretary_a, tree, pledges):
    response = login(secretary_a).post(url(tree["cell_a"]), post(row(pledges["an"], score="69,5")))
    assert response.status_code == 302
    pledge = Pledge.objects.get(pk=pledges["an"].pk)
    assert pledge.score == Decimal("69.5")
    assert pledge.rating == level("Hoàn thành nhiệm vụ")


def test_rating_other_than_the_score_needs_a_reason(login, secretary_a, tree, pledges):
    client = login(secretary_a)
    excellent = level("Hoàn thành xuất sắc nhiệm vụ")
    data = post(
        row(pledges["an"], score="75", rating=str(excellent.pk), evaluation_comment="Nhận xét đã gõ"),
        row(pledges["binh"], score="92"),
    )
    response = client.post(url(tree["cell_a"]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nguyễn Văn An" in body and "thì phải ghi lý do" in body and "Nhận xét đã gõ" in body
    assert not Pledge.objects.filter(status=PledgeStatus.EVALUATED).exists()  # not even Bình's row

    data[f"p{pledges['an'].pk}-rating_reason"] = "Có thành tích đột xuất được khen thưởng"
    assert client.post(url(tree["cell_a"]), data).status_code == 302
    pledge = Pledge.objects.get(pk=pledges["an"].pk)
    assert pledge.rating == excellent and pledge.score == Decimal("75")
    assert pledge.rating_reason == "Có thành tích đột xuất được khen thưởng"


def test_older_rule_requires_a_rating(login, secretary_a, tree, people, pledges):
    old = make_pledge(people["an"], year=OLD_YEAR)
    client = login(secretary_a)
    page = client.get(url(tree["cell_a"], OLD_YEAR)).content.decode()
    assert "Quy định 132-QĐ/TW" in page and "rating_reason" not in page

    response = client.post(url(tree["cell_a"], OLD_YEAR), post(row(old, score="95")))
    assert response.status_code == 200
    assert "Chưa có xếp loại" in response.content.decode()
    assert Pledge.objects.get(pk=old.pk).status == PledgeStatus.REGISTERED

    good = level("Hoàn thành tốt nhiệm vụ", OLD_YEAR)
    response = client.post(url(tree["cell_a"], OLD_YEAR), post(row(old, rating=str(good.pk))))
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.rating == good and old.score is None and old.status == PledgeStatus.EVALUATED


def test_levels_of_another_rule_are_refused(login, secretary_a, tree, pledges):
    older_level = level("Hoàn thành tốt nhiệm vụ", OLD_YEAR)
    response = login(secretary_a).post(
        url(tree["cell_a"]), post(row(pledges["an"], rating=str(older_level.pk)))
    )
    assert response.status_code == 200
    assert Pledge.objects.get(pk=pledges["an"].pk).status == PledgeStatus.REGISTERED


def test_person_marked_not_evaluated_with_a_reason(login, secretary_a, tree, pledges):
    data = post(
        row(
            pledges["an"],
            not_evaluated_reason=NotEvaluatedReason.SICK_LEAVE,
            evaluation_comment="Nghỉ 8 tháng",
        ),
        row(pledges["binh"], score="88"),
    )
    assert login(secretary_a).post(url(tree["cell_a"]), data).status_code == 302
    pledge = Pledge.objects.get(pk=pledges["an"].pk)
    assert pledge.status == PledgeStatus.NOT_EVALUATED
    assert pledge.not_evaluated_reason == NotEvaluatedReason.SICK_LEAVE
    assert pledge.rating is None and pledge.evaluation_comment == "Nghỉ 8 tháng"


def test_not_evaluated_with_a_rating_is_refused(login, secretary_a, tree, pledges):
    data = post(row(pledges["an"], not_evaluated_reason=NotEvaluatedReason.EXEMPT, score="80"))
    response = login(secretary_a).post(url(tree["cell_a"]), data)
    assert response.status_code == 200
    assert "để trống điểm và xếp loại" in response.content.decode()
    assert Pledge.objects.get(pk=pledges["an"].pk).status == PledgeStatus.REGISTERED


def test_empty_row_stays_not_yet_evaluated(login, secretary_a, tree, pledges):
    data = post(row(pledges["an"]), row(pledges["binh"], score="91"))
    assert login(secretary_a).post(url(tree["cell_a"]), data).status_code == 302
    an = Pledge.objects.get(pk=pledges["an"].pk)
    assert an.status == PledgeStatus.REGISTERED and an.version == 1
    assert Pledge.objects.get(pk=pledges["binh"].pk).status == PledgeStatus.EVALUATED


def test_ticked_deeds_without_a_rating_are_refused(login, secretary_a, tree, pledges):
    data = post(row(pledges["an"], done=("Tiết kiệm điện",)))
    response = login(secretary_a).post(url(tree["cell_a"]), data)
    assert response.status_code == 200
    assert "Chưa có xếp loại" in response.content.decode()
    assert not PledgeDeed.objects.filter(done__isnull=False).exists()


@pytest.mark.parametrize(
    ("score", "message"),
    [("150", "Điểm phải từ 0 đến 100"), ("-1", "Điểm phải từ 0 đến 100"), ("abc", "Điểm phải là một số")],
)
def test_invalid_score_is_refused_and_nothing_is_written(login, secretary_a, tree, pledges, score, message):
    data = post(
        row(pledges["an"], score=score), row(pledges["binh"], score="95", evaluation_comment="Giữ lại")
    )
    response = login(secretary_a).post(url(tree["cell_a"]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and "Dòng 1 — Nguyễn Văn An" in body
    assert f'value="{score}"' in body and "Giữ lại" in body
    assert not Pledge.objects.exclude(status=PledgeStatus.REGISTERED).exists()
    assert not Pledge.objects.filter(version__gt=1).exists()


def test_evaluated_registration_is_locked_until_staff_reopen_it(
    login, client, secretary_a, staff, tree, pledges
):
    login(secretary_a).post(url(tree["cell_a"]), post(row(pledges["an"], score="80")))
    pledge = Pledge.objects.get(pk=pledges["an"].pk)
    page = client.get(url(tree["cell_a"])).content.decode()
    assert f'name="p{pledge.pk}-score"' not in page and "Xem bản đăng ký" in page
    edit = reverse("pledge_edit", args=[pledge.member_id, YEAR])
    assert client.post(edit, deed_post([{"content": "Sửa"}], version=str(pledge.version))).status_code == 403

    # Posting the row again (an old tab) saves nothing: the row is read-only now.
    response = client.post(url(tree["cell_a"]), post(row(pledge, score="40")))
    assert response.status_code == 200
    assert Pledge.objects.get(pk=pledge.pk).score == Decimal("80")

    client.logout()
    staff_client = login(staff)
    assert staff_client.post(reverse("pledge_reopen", args=[pledge.pk])).status_code == 302
    page = staff_client.get(url(tree["cell_a"])).content.decode()
    assert f'name="p{pledge.pk}-score"' in page and 'value="80"' in page
    assert staff_client.post(url(tree["cell_a"]), post(row(pledge, score="45"))).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.EVALUATED and pledge.rating == level("Không hoàn thành nhiệm vụ")


def test_save_on_a_stale_page_is_refused_and_keeps_what_was_typed(login, secretary_a, tree, people, pledges):
    client = login(secretary_a)
    typed = post(
        row(pledges["an"], score="85", evaluation_comment="Nhận xét của bí thư"),
        row(pledges["binh"], score="91"),
    )
    # Meanwhile someone edits An's registration (the version moves on).
    deed = pledges["an"].deeds.first()
    rows = [{"id": str(deed.pk), "content": "Việc đã sửa", "target": "", "deadline": ""}]
    edited = client.post(
        reverse("pledge_edit", args=[people["an"].pk, YEAR]), deed_post(rows, initial=1, version="1")
    )
    assert edited.status_code == 302

    response = client.post(url(tree["cell_a"]), typed)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Chưa lưu gì cả" in body and "vừa được người khác thay đổi" in body and "Nguyễn Văn An" in body
    assert "Nhận xét của bí thư" in body and "Việc đã sửa" in body
    assert not Pledge.objects.exclude(status=PledgeStatus.REGISTERED).exists()

    # The page now carries the current version: saving again, knowingly, works.
    typed[f"p{pledges['an'].pk}-version"] = str(response.context["table"].rows[0].pledge.version)
    assert client.post(url(tree["cell_a"]), typed).status_code == 302
    assert Pledge.objects.filter(status=PledgeStatus.EVALUATED).count() == 2


def test_a_registration_evaluated_elsewhere_meanwhile_refuses_the_save(login, secretary_a, tree, pledges):
    client = login(secretary_a)
    typed = post(row(pledges["an"], score="85"), row(pledges["binh"], score="91"))
    Pledge.objects.filter(pk=pledges["an"].pk).update(status=PledgeStatus.EVALUATED, version=2)
    response = client.post(url(tree["cell_a"]), typed)
    assert response.status_code == 200
    assert "vừa được người khác thay đổi" in response.content.decode()
    assert Pledge.objects.get(pk=pledges["binh"].pk).status == PledgeStatus.REGISTERED


def test_staff_evaluate_cells_of_their_committee(login, staff, tree, pledges):
    assert login(staff).post(url(tree["cell_a"]), post(row(pledges["an"], score="77"))).status_code == 302
    assert Pledge.objects.get(pk=pledges["an"].pk).status == PledgeStatus.EVALUATED


def test_secretary_cannot_see_other_cells_evaluation(login, secretary_b, tree, pledges):
    client = login(secretary_b)
    assert client.get(url(tree["cell_a"])).status_code == 404
    assert client.post(url(tree["cell_a"]), post(row(pledges["an"], score="90"))).status_code == 404
    assert not Pledge.objects.exclude(status=PledgeStatus.REGISTERED).exists()


def test_viewer_reads_the_table_but_cannot_save(login, viewer, tree, pledges):
    client = login(viewer)
    response = client.get(url(tree["cell_a"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nguyễn Văn An" in body and "Lưu đánh giá" not in body and "-score" not in body
    assert client.post(url(tree["cell_a"]), post(row(pledges["an"], score="90"))).status_code == 403
    assert not Pledge.objects.exclude(status=PledgeStatus.REGISTERED).exists()


@pytest.mark.parametrize("year", [2015, 2099])
def test_years_outside_the_directive_are_404(login, secretary_a, tree, year):
    assert login(secretary_a).get(url(tree["cell_a"], year)).status_code == 404


def test_history_records_who_evaluated(login, secretary_a, tree, pledges):
    data = post(row(pledges["an"], score="90", done=("Tiết kiệm điện",)))
    login(secretary_a).post(url(tree["cell_a"]), data)
    pledge = Pledge.objects.get(pk=pledges["an"].pk)
    latest = pledge.history.first()
    assert latest.history_user == secretary_a and latest.status == PledgeStatus.EVALUATED
    deed = pledge.deeds.get(content="Tiết kiệm điện")
    assert deed.history.first().history_user == secretary_a and deed.history.first().done is True


@pytest.mark.parametrize("extra_people", [0, 6])
def test_table_uses_a_fixed_number_of_queries(
    login, secretary_a, tree, pledges, extra_people, django_assert_num_queries
):
    for n in range(extra_people):
        make_pledge(make_member(tree["cell_a"], f"Người thêm {n}"))
    Membership.objects.update(started_on=datetime.date(2016, 1, 1))
    client = login(secretary_a)
    # session, user, their roles (reading and editing scope, the staff role for the menu; one
    # query since the login backend is Django's own), the unit, the rating rule, its levels, the
    # people, their registrations with rating and unit, the registrations' deeds.
    with django_assert_num_queries(9):
        response = client.get(url(tree["cell_a"]))
    assert len(response.context["table"].rows) == 2 + extra_people
