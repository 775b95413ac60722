"""Awards and commendations through HTTP: one recipient, the unit on the decision date, retired
issuers, the duplicate confirmation, lists, scope and deletion."""

import datetime

import pytest
from django.urls import reverse

from party.models import Membership, transfer_member
from pledges.models import Award, AwardCategory, AwardForm, AwardIssuer, Programme

pytestmark = pytest.mark.django_db

ONE_RECIPIENT = "Mỗi khen thưởng chỉ có một đối tượng: chọn một tập thể hoặc một cá nhân, không chọn cả hai."
NO_RECIPIENT = "Chọn tập thể hoặc cá nhân được khen."
INVALID_CHOICE = "Hãy chọn một lựa chọn hợp lệ"


def form_named(name: str) -> AwardForm:
    return AwardForm.objects.get(name=name)  # seeded by a migration


def issuer_named(name: str) -> AwardIssuer:
    return AwardIssuer.objects.get(name=name)


def award_data(*, unit=None, member=None, **overrides) -> dict:
    data = {
        "version": "0",
        "recipient_unit": str(unit.pk) if unit else "",
        "recipient_member": str(member.pk) if member else "",
        "form": str(form_named("Giấy khen").pk),
        "issuer": str(issuer_named("Đảng ủy cơ sở").pk),
        "decision_number": "125-QĐ/ĐU",
        "decision_date": "20/03/2025",
        "year": "2024",
        "programme": Programme.DIRECTIVE_05,
        "achievement": "Có thành tích xuất sắc trong học tập và làm theo Bác",
        "confirm_duplicate": "False",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def make_award(*, unit=None, member=None, form="Giấy khen", issuer="Đảng ủy cơ sở", **fields) -> Award:
    fields.setdefault("decision_number", "01-QĐ")
    fields.setdefault("decision_date", datetime.date(2025, 3, 20))
    fields.setdefault("year", 2024)
    fields.setdefault("achievement", "Thành tích")
    award = Award(
        recipient_unit=unit,
        recipient_member=member,
        form=form_named(form),
        issuer=issuer_named(issuer),
        **fields,
    )
    award.fill_recipient_facts()
    award.save()
    return award


@pytest.fixture
def long_memberships(people):
    """Everyone has belonged to their cell since 2020 (the fixture people start today)."""
    Membership.objects.update(started_on=datetime.date(2020, 1, 1))
    return people


def test_secretary_gives_a_collective_award_to_their_cell(login, secretary_a, tree):
    client = login(secretary_a)
    response = client.post(reverse("awards_create"), award_data(unit=tree["cell_a"]))
    award = Award.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("awards_detail", args=[award.pk])
    assert (award.recipient_unit, award.recipient_member, award.unit, award.was_party_member) == (
        tree["cell_a"],
        None,
        tree["cell_a"],
        None,
    )
    assert (award.form.name, award.issuer.name, award.decision_date, award.year) == (
        "Giấy khen",
        "Đảng ủy cơ sở",
        datetime.date(2025, 3, 20),
        2024,
    )
    assert award.history.count() == 1
    page = client.get(response["Location"]).content.decode()
    for text in ("Tập thể: Chi bộ A", "Giấy khen (khen thưởng)", "Số 125-QĐ/ĐU ngày 20/03/2025", "2024"):
        assert text in page


def test_an_individual_award_files_under_the_members_unit_and_party_status(login, staff, tree, people):
    client = login(staff)
    assert client.post(reverse("awards_create"), award_data(member=people["an"])).status_code == 302
    form = form_named("Tuyên dương")
    data = award_data(member=people["dung"], form=str(form.pk), decision_number="7-QĐ")
    assert client.post(reverse("awards_create"), data).status_code == 302
    to_an, to_dung = Award.objects.order_by("pk")
    assert (to_an.unit, to_an.was_party_member, to_an.recipient_unit) == (tree["cell_a"], True, None)
    assert (to_dung.unit, to_dung.was_party_member) == (tree["cell_b"], False)
    page = client.get(reverse("awards_detail", args=[to_an.pk])).content.decode()
    assert "Cá nhân:" in page and "Nguyễn Văn An" in page and "(đảng viên tại ngày quyết định)" in page
    page = client.get(reverse("awards_detail", args=[to_dung.pk])).content.decode()
    assert "Phạm Thị Dung" in page and "người lao động, chưa là đảng viên" in page
    assert "Tuyên dương (biểu dương, tuyên dương)" in page


def test_someone_admitted_after_the_decision_was_not_yet_a_party_member(login, staff, people):
    people["binh"].admitted_on = datetime.date(2025, 5, 19)
    people["binh"].save()
    login(staff).post(reverse("awards_create"), award_data(member=people["binh"]))
    assert Award.objects.get().was_party_member is False


@pytest.mark.parametrize(("both", "message"), [(True, ONE_RECIPIENT), (False, NO_RECIPIENT)])
def test_both_recipients_or_none_is_refused(login, secretary_a, tree, people, both, message):
    client = login(secretary_a)
    data = award_data(unit=tree["cell_a"], member=people["an"]) if both else award_data()
    response = client.post(reverse("awards_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Award.all_objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"decision_number": ""}, "Trường này là bắt buộc"),
        ({"achievement": ""}, "Trường này là bắt buộc"),
        ({"form": ""}, "Trường này là bắt buộc"),
        ({"decision_date": "20-03-2025x"}, "Nhập một ngày hợp lệ"),
        ({"year": "hai nghìn"}, "Nhập một số tổng thể"),
        ({"programme": "other"}, INVALID_CHOICE),
        # The import's year rules, held by the model (one place for both).
        ({"year": "2015"}, "Năm phải từ 2016 đến"),
        ({"year": str(datetime.date.today().year + 2)}, "Năm phải từ 2016 đến"),
        ({"decision_date": "20/12/2023", "year": "2024"}, "Ngày quyết định ở trước năm thành tích 2024."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(login, secretary_a, tree, overrides, message):
    client = login(secretary_a)
    response = client.post(reverse("awards_create"), award_data(unit=tree["cell_a"], **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Award.all_objects.exists()


def test_secretary_cannot_award_the_other_cell_or_its_people(login, secretary_a, tree, people):
    client = login(secretary_a)
    for data in (award_data(member=people["cuong"]), award_data(unit=tree["cell_b"])):
        response = client.post(reverse("awards_create"), data)
        assert response.status_code == 200
        assert INVALID_CHOICE in response.content.decode()
    page = client.get(reverse("awards_create")).content.decode()
    assert "Nguyễn Văn An" in page and "Lê Văn Cường" not in page
    assert not Award.all_objects.exists()


def test_people_list_follows_the_unit_chosen_on_the_page(login, staff, tree, people):
    response = login(staff).get(reverse("awards_create"), {"unit": tree["cell_b"].pk})
    assert set(response.context["form"].fields["recipient_member"].queryset) == {
        people["cuong"],
        people["dung"],
    }


def test_a_retired_issuer_is_refused_after_its_end_but_accepted_before(login, staff, tree):
    retired = AwardIssuer.objects.create(name="Chủ tịch UBND thị xã", retired_on=datetime.date(2025, 3, 1))
    client = login(staff)
    late = award_data(unit=tree["cell_a"], issuer=str(retired.pk), decision_date="01/03/2025")
    response = client.post(reverse("awards_create"), late)
    assert response.status_code == 200
    assert (
        "“Chủ tịch UBND thị xã” thôi khen thưởng từ ngày 01/03/2025; quyết định ngày 01/03/2025 không thể "
        "của cấp này." in response.content.decode()
    )
    assert not Award.all_objects.exists()
    early = award_data(unit=tree["cell_a"], issuer=str(retired.pk), decision_date="28/02/2025")
    assert client.post(reverse("awards_create"), early).status_code == 302
    assert Award.objects.get().issuer == retired
    assert "Chủ tịch UBND thị xã (đến 01/03/2025)" in client.get(reverse("awards_create")).content.decode()


def test_a_likely_duplicate_needs_the_confirmation_box(login, secretary_a, tree, people):
    make_award(member=people["an"], decision_number="01-QĐ")
    client = login(secretary_a)
    data = award_data(member=people["an"], decision_number="02-QĐ")
    response = client.post(reverse("awards_create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Đối tượng này đã có khen thưởng cùng hình thức, cùng cấp khen trong năm 2024." in page
    assert 'type="checkbox" name="confirm_duplicate"' in page
    assert Award.objects.count() == 1
    # Not ticked: still refused.
    assert client.post(reverse("awards_create"), data).status_code == 200
    assert Award.objects.count() == 1
    response = client.post(reverse("awards_create"), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert sorted(Award.objects.values_list("decision_number", flat=True)) == ["01-QĐ", "02-QĐ"]


@pytest.mark.parametrize(
    "change",
    [{"year": "2025"}, {"form": "Bằng khen"}, {"issuer": "Chi bộ"}, {"member": "binh"}],
)
def test_another_year_form_issuer_or_person_is_no_duplicate(login, secretary_a, people, change):
    make_award(member=people["an"])
    data = award_data(member=people[change.get("member", "an")])
    if "year" in change:
        data["year"] = change["year"]
    if "form" in change:
        data["form"] = str(form_named(change["form"]).pk)
    if "issuer" in change:
        data["issuer"] = str(issuer_named(change["issuer"]).pk)
    response = login(secretary_a).post(reverse("awards_create"), data)
    assert response.status_code == 302
    assert Award.objects.count() == 2


def test_a_deleted_award_is_no_duplicate_and_editing_is_not_one_with_itself(login, staff, tree):
    deleted = make_award(unit=tree["cell_a"])
    deleted.mark_deleted(staff)
    award = make_award(unit=tree["cell_a"], decision_number="02-QĐ")
    client = login(staff)
    response = client.post(
        reverse("awards_edit", args=[award.pk]),
        award_data(unit=tree["cell_a"], version="1", decision_number="03-QĐ"),
    )
    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.decision_number, award.version) == ("03-QĐ", 2)


def test_edit_reads_back_and_refuses_a_stale_copy(login, secretary_a, tree, people):
    award = make_award(member=people["an"], achievement="Cũ")
    client = login(secretary_a)
    url = reverse("awards_edit", args=[award.pk])
    assert "Cũ" in client.get(url).content.decode()
    form = form_named("Bằng khen")
    data = award_data(member=people["binh"], version="1", form=str(form.pk), achievement="Gương mẫu, tận tụy")
    response = client.post(url, data)
    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.recipient_member, award.form, award.achievement, award.version) == (
        people["binh"],
        form,
        "Gương mẫu, tận tụy",
        2,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Trần Thị Bình" in page and "Gương mẫu, tận tụy" in page and "Bằng khen" in page
    stale = client.post(url, {**data, "achievement": "Lần hai"})
    assert stale.status_code == 200 and "vừa được người khác lưu" in stale.content.decode()
    award.refresh_from_db()
    assert award.achievement == "Gương mẫu, tận tụy"


def test_an_award_stays_with_the_old_unit_after_the_person_moves(
    login, staff, secretary_a, secretary_b, tree, long_memberships
):
    an = long_memberships["an"]
    login(secretary_a).post(reverse("awards_create"), award_data(member=an, decision_number="01-QĐ"))
    transfer_member(member=an, to_unit=tree["cell_b"], on=datetime.date(2025, 6, 1))

    award = Award.objects.get()
    assert award.unit == tree["cell_a"]
    # Edited after the move, it still files under the cell of the decision date.
    response = login(staff).post(
        reverse("awards_edit", args=[award.pk]), award_data(member=an, version="1", decision_number="01b-QĐ")
    )
    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.unit, award.decision_number) == (tree["cell_a"], "01b-QĐ")
    # Entered after the move: the decision date decides the unit.
    client = login(staff)
    client.post(
        reverse("awards_create"),
        award_data(member=an, decision_date="15/02/2025", form=str(form_named("Bằng khen").pk)),
    )
    client.post(reverse("awards_create"), award_data(member=an, decision_date="15/08/2025", year="2025"))
    assert list(Award.objects.order_by("pk").values_list("unit__code", flat=True)) == ["CBA", "CBA", "CBB"]
    # The old cell's secretary keeps seeing and editing the awards of the time with them.
    client = login(secretary_a)
    page = client.get(reverse("awards_list")).content.decode()
    assert page.count("Nguyễn Văn An") == 2
    assert client.get(reverse("awards_edit", args=[award.pk])).status_code == 200
    assert login(secretary_b).get(reverse("awards_list")).content.decode().count("Nguyễn Văn An") == 1


def test_the_new_cell_cannot_file_an_award_from_before_the_move(login, secretary_b, tree, long_memberships):
    an = long_memberships["an"]
    transfer_member(member=an, to_unit=tree["cell_b"], on=datetime.date(2025, 6, 1))
    response = login(secretary_b).post(
        reverse("awards_create"), award_data(member=an, decision_date="20/03/2025")
    )
    assert response.status_code == 200
    assert "Ngày 20/03/2025 người này sinh hoạt ở Chi bộ A, ngoài phạm vi nhập liệu của anh/chị." in (
        response.content.decode()
    )
    assert not Award.all_objects.exists()


def test_lists_filter_by_year_unit_kind_and_search_without_diacritics(login, staff, tree, people, shown):
    make_award(member=people["an"], form="Bằng khen", decision_number="10-QĐ")
    make_award(
        unit=tree["cell_b"],
        form="Tuyên dương",
        decision_number="20-QĐ",
        decision_date=datetime.date(2024, 5, 19),
    )
    make_award(
        unit=tree["committee"],
        form="Giấy khen",
        decision_number="30-QĐ",
        decision_date=datetime.date(2025, 9, 2),
    )
    client = login(staff)
    numbers = ["30-QĐ", "10-QĐ", "20-QĐ"]
    assert shown(client, "awards", numbers) == numbers
    assert shown(client, "awards", numbers, year=2024) == ["20-QĐ"]
    assert shown(client, "awards", numbers, unit=tree["cell_a"].pk) == ["10-QĐ"]
    assert shown(client, "awards", numbers, unit=tree["committee"].pk) == numbers
    assert shown(client, "awards", numbers, kind=AwardCategory.AWARD) == ["30-QĐ", "10-QĐ"]
    assert shown(client, "awards", numbers, kind=AwardCategory.COMMENDATION) == ["20-QĐ"]
    assert shown(client, "awards", numbers, q="nguyen van an") == ["10-QĐ"]
    assert shown(client, "awards", numbers, q="chi bo b") == ["20-QĐ"]


def test_secretary_sees_only_their_cells_awards(login, secretary_a, tree, people, shown):
    make_award(member=people["an"], decision_number="A-QĐ")
    make_award(member=people["cuong"], decision_number="B-QĐ")
    make_award(unit=tree["committee"], decision_number="DB-QĐ")
    client = login(secretary_a)
    assert shown(client, "awards", ["A-QĐ", "B-QĐ", "DB-QĐ"]) == ["A-QĐ"]
    assert shown(client, "awards", ["A-QĐ", "B-QĐ", "DB-QĐ"], q="thanh tich") == ["A-QĐ"]


def test_other_cells_secretary_gets_404_and_sees_nothing(secretary_b, tree, people, assert_hidden_from):
    award = make_award(member=people["an"], decision_number="RIENG-QĐ")
    data = award_data(member=people["cuong"], version="1")
    assert_hidden_from(secretary_b, "awards", award, "Nguyễn Văn An", "nguyen van an", data)
    award.refresh_from_db()
    assert award.recipient_member == people["an"]


def test_viewer_reads_but_cannot_enter_or_edit(login, viewer, tree):
    award = make_award(unit=tree["cell_a"])
    client = login(viewer)
    assert client.get(reverse("awards_detail", args=[award.pk])).status_code == 200
    assert client.get(reverse("awards_create")).status_code == 403
    assert client.post(reverse("awards_create"), award_data(unit=tree["cell_a"])).status_code == 403
    edit_url = reverse("awards_edit", args=[award.pk])
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, award_data(unit=tree["cell_a"], version="1")).status_code == 403
    assert Award.objects.count() == 1


def test_only_committee_staff_delete_after_confirmation(
    staff, secretary_a, viewer, tree, people, assert_staff_only_deletion
):
    award = make_award(member=people["an"])
    assert_staff_only_deletion("awards", award, staff=staff, others=[secretary_a, viewer])


def test_an_award_dated_before_the_first_period_stays_with_the_first_unit_when_edited(
    login, staff, tree, people
):
    """An's history starts today in cell A; an award decided in 2025 files under cell A, and an edit
    after his move to cell B keeps it there (it used to fall back to his current unit)."""
    an = people["an"]
    login(staff).post(reverse("awards_create"), award_data(member=an, decision_number="01-QĐ"))
    award = Award.objects.get()
    assert award.unit == tree["cell_a"]
    transfer_member(member=an, to_unit=tree["cell_b"], on=datetime.date.today())

    response = login(staff).post(
        reverse("awards_edit", args=[award.pk]), award_data(member=an, version="1", decision_number="01b-QĐ")
    )
    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.unit, award.decision_number) == (tree["cell_a"], "01b-QĐ")
    assert an.unit_on(datetime.date(2025, 3, 20)) == tree["cell_a"]


def test_editing_a_confirmed_twin_asks_again_only_when_what_makes_it_a_twin_changes(login, staff, people):
    make_award(member=people["an"], decision_number="01-QĐ")
    twin = make_award(member=people["an"], decision_number="02-QĐ")  # saved with the confirmation
    client = login(staff)
    url = reverse("awards_edit", args=[twin.pk])
    response = client.post(url, award_data(member=people["an"], version="1", decision_number="02b-QĐ"))
    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.decision_number == "02b-QĐ"
    # Moved onto the first award's year from another one: a new likely duplicate, asked again.
    other = make_award(member=people["an"], decision_number="03-QĐ", year=2023)
    data = award_data(member=people["an"], version="1", decision_number="03-QĐ", year="2024")
    response = client.post(reverse("awards_edit", args=[other.pk]), data)
    assert response.status_code == 200
    assert "Đối tượng này đã có khen thưởng cùng hình thức" in response.content.decode()
    other.refresh_from_db()
    assert other.year == 2023
