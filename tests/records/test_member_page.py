"""A person's page lists their awards that the reader may see."""

import datetime

import pytest
from django.urls import reverse

from party.models import transfer_member
from pledges.models import Award, AwardForm, AwardIssuer

pytestmark = pytest.mark.django_db


def give_award(member, decision_date: datetime.date, number: str) -> Award:
    award = Award(
        recipient_member=member,
        form=AwardForm.objects.get(name="Giấy khen"),
        issuer=AwardIssuer.objects.get(name="Đảng ủy cơ sở"),
        decision_number=number,
        decision_date=decision_date,
        year=decision_date.year,
        achievement="Tiêu biểu",
    )
    award.fill_recipient_facts()
    award.save()
    return award


def test_member_page_lists_awards_in_the_readers_scope(login, staff, secretary_a, secretary_b, people, tree):
    an = people["an"]
    give_award(an, datetime.date.today(), "01-QĐ")
    page = login(staff).get(reverse("member_detail", args=[an.pk])).content.decode()
    assert "01-QĐ" not in page  # the number is on the award page; the list shows the form
    assert "Giấy khen" in page and "Đảng ủy cơ sở" in page
    assert "<title>Nguyễn Văn An — Học tập và làm theo Bác</title>" in page
    assert page.count("Khen thưởng, biểu dương</h2>") == 1

    # After a transfer to cell B, the old award stays filed under cell A:
    # cell B's secretary sees the person but not cell A's record.
    transfer_member(member=an, to_unit=tree["cell_b"], on=datetime.date.today() + datetime.timedelta(days=1))
    page = login(secretary_b).get(reverse("member_detail", args=[an.pk])).content.decode()
    assert "Chưa có khen thưởng, biểu dương nào." in page
    page = login(staff).get(reverse("member_detail", args=[an.pk])).content.decode()
    assert "Giấy khen" in page
