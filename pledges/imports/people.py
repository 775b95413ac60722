"""Finding the person of each row of the “Đăng ký” sheet, as the “Đảng viên” sheet does.

A person is found on the party card number, else on name + birth date + unit code, among the
stored people and those the “Đảng viên” sheet of the same workbook creates or updates. The unit
code may be one the person belonged to earlier: a registration stays with the unit it was made in.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from party.imports.base import Sheet, SourceRow, ValidRow
from party.imports.members import MemberSheet
from party.models import Member, Unit
from party.text import clean_name, search_key


@dataclass(frozen=True)
class NewPerson:
    """A person the “Đảng viên” sheet of the same workbook creates."""

    full_name: str
    birth_date: datetime.date
    unit_code: str
    card: str

    def __str__(self) -> str:
        return self.full_name


class PeopleFinder:
    """Finds the person of each row in a fixed number of queries, like the “Đảng viên” sheet does."""

    def __init__(self, sheet: Sheet, cleaned: list[ValidRow], units: dict[str, Unit]):
        self.sheet = sheet
        self.units_by_id = {u.pk: u for u in units.values()}
        cards = {data["party_card_number"] for _, data in cleaned if data["party_card_number"]}
        births = {data["birth_date"] for _, data in cleaned}
        self.by_card = sheet.people_by_card(cards)
        self.by_identity: dict[tuple, list] = {}
        candidates = (
            Member.objects.filter(Q(unit__in=units.values()) | Q(memberships__unit__in=units.values()))
            .filter(birth_date__in=births)
            .distinct()
            .select_related("unit")
            .prefetch_related("memberships")
        )
        for member in candidates:
            codes = {member.unit.code} | {
                self.units_by_id[m.unit_id].code
                for m in member.memberships.all()
                if m.unit_id in self.units_by_id
            }
            for code in codes:
                self.by_identity.setdefault(_identity(member.full_name, member.birth_date, code), []).append(
                    member
                )
        found = [*self.by_card.values(), *(m for ms in self.by_identity.values() for m in ms)]
        self.editable_ids = set(
            Member.objects.editable_by(sheet.context.user)
            .filter(pk__in={m.pk for m in found})
            .values_list("pk", flat=True)
        )
        self.add_planned_people()

    def add_planned_people(self) -> None:
        """People the workbook's “Đảng viên” sheet creates, or gives a card or a unit."""
        plans = self.sheet.context.sheet_plans
        members_plan = plans.get(MemberSheet.title)
        self.planned_cards: dict[str, Member | NewPerson] = {}
        for action in members_plan.actions if members_plan else ():
            if action.action == "create":
                data = action.payload
                person = NewPerson(
                    data["full_name"], data["birth_date"], data["unit_code"], data["party_card_number"] or ""
                )
            elif action.action == "update":
                person, data = action.payload
            else:
                continue
            if data["party_card_number"]:
                self.planned_cards.setdefault(data["party_card_number"], person)
            key = _identity(data["full_name"], data["birth_date"], data["unit_code"])
            if person not in self.by_identity.get(key, []):
                self.by_identity.setdefault(key, []).append(person)
            if isinstance(person, Member):
                self.editable_ids.add(person.pk)  # the members sheet checked its scope

    def find(self, row: SourceRow, data: dict) -> Member | NewPerson | None:
        card, code = data["party_card_number"], data["unit_code"]
        if card:
            person = self.by_card.get(card) or self.planned_cards.get(card)
            if person is None:
                self.sheet.error(
                    row.number, "party_card_number", f"Không tìm thấy người có số thẻ đảng viên “{card}”."
                )
                return None
            if (
                search_key(person.full_name) != search_key(data["full_name"])
                or person.birth_date != data["birth_date"]
            ):
                self.sheet.error(
                    row.number,
                    "party_card_number",
                    f"Số thẻ “{card}” là của {person.full_name} (sinh {person.birth_date:%d/%m/%Y}), "
                    f"không phải {data['full_name']} (sinh {data['birth_date']:%d/%m/%Y}).",
                )
                return None
            if isinstance(person, Member) and not self.reachable(person, code):
                self.sheet.error(
                    row.number,
                    "party_card_number",
                    f"Số thẻ “{card}” là của một người chưa từng sinh hoạt ở đơn vị “{code}”.",
                )
                return None
            return person
        matches = self.by_identity.get(_identity(data["full_name"], data["birth_date"], code), [])
        if not matches:
            self.sheet.error(
                row.number,
                "full_name",
                f"Không tìm thấy {data['full_name']} (sinh {data['birth_date']:%d/%m/%Y}) ở đơn vị “{code}”. "
                "Người đăng ký phải có trong danh sách đảng viên, người lao động (hoặc trong trang "
                "“Đảng viên” của cùng tệp); người có thẻ đảng viên thì ghi số thẻ.",
            )
            return None
        if len(matches) > 1:
            self.sheet.error(
                row.number,
                "full_name",
                f"Có {len(matches)} người tên {data['full_name']} sinh {data['birth_date']:%d/%m/%Y} "
                f"ở đơn vị “{code}”; ghi số thẻ đảng viên để phân biệt.",
            )
            return None
        return matches[0]

    def reachable(self, member: Member, code: str) -> bool:
        """In the user's scope now, or a member of the row's unit at some time."""
        if member.pk in self.editable_ids or member.unit.code == code:
            return True
        units = self.units_by_id
        return any(m.unit_id in units and units[m.unit_id].code == code for m in member.memberships.all())


def _identity(full_name: str, birth_date: datetime.date, unit_code: str) -> tuple:
    return (clean_name(full_name).lower(), birth_date, unit_code)


def created_members(people: list[NewPerson]) -> dict[NewPerson, Member]:
    """The members the “Đảng viên” sheet has just written, for the registrations that name them."""
    if not people:
        return {}
    cards = {p.card for p in people if p.card}
    found = Member.objects.filter(
        Q(party_card_number__in=cards)
        | Q(unit__code__in={p.unit_code for p in people}, birth_date__in={p.birth_date for p in people})
    ).select_related("unit")
    by_card = {m.party_card_number: m for m in found if m.party_card_number}
    by_identity = {_identity(m.full_name, m.birth_date, m.unit.code): m for m in found}
    return {
        p: by_card[p.card] if p.card else by_identity[_identity(p.full_name, p.birth_date, p.unit_code)]
        for p in people
    }
