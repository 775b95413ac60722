"""Sheet “Đảng viên”: people, matched on the party card number, else on name + birth date + unit."""

import datetime

from django import forms
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from party.imports.base import CHANGE_REASON, RowAction, Sheet, SheetPlan, SourceRow, ValidRow, show
from party.imports.columns import Heading
from party.imports.fields import LabelChoiceField, UnitCodeField, YesNoField, date_field
from party.models import Gender, Member, Membership, PartyStatus, Unit, transfer_member
from party.signals import units_changed
from party.text import clean_name

FIELDS = ("full_name", "gender", "birth_date", "party_status", "party_card_number", "admitted_on",
          "confirmed_on", "position", "is_leader")  # fmt: skip
# Blank optional cells keep what is stored: a partial sheet never erases data.
KEEP_WHEN_BLANK = ("party_card_number", "admitted_on", "confirmed_on", "position", "is_leader")
CHOICES = {"gender": Gender, "party_status": PartyStatus}  # shown by their label in the preview


class MemberRowForm(forms.Form):
    full_name = forms.CharField(max_length=120)
    gender = LabelChoiceField(choices=Gender.choices)
    birth_date = date_field()
    unit_code = UnitCodeField()
    party_status = LabelChoiceField(
        choices=PartyStatus.choices,
        aliases={
            "Chính thức": "full",
            "Dự bị": "probationary",
            "Người lao động": "none",
            "Quần chúng": "none",
        },
    )
    party_card_number = forms.CharField(max_length=30, required=False)
    admitted_on = date_field(required=False)
    confirmed_on = date_field(required=False)
    position = forms.CharField(max_length=200, required=False)
    is_leader = YesNoField(required=False, blank=None)  # blank: keep the stored flag

    def clean_full_name(self):
        name = clean_name(self.cleaned_data["full_name"])
        if len(name.split()) < 2:
            raise forms.ValidationError("Ghi đủ họ và tên (ít nhất hai chữ).")
        return name

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born > datetime.date.today() or born.year < 1900:
            raise forms.ValidationError("Ngày sinh không hợp lý.")
        return born

    def clean(self):
        data = super().clean()
        admitted, confirmed = data.get("admitted_on"), data.get("confirmed_on")
        today = datetime.date.today()
        if admitted and admitted > today:
            self.add_error("admitted_on", "Ngày vào Đảng không thể ở tương lai.")
        if confirmed and confirmed > today:
            self.add_error("confirmed_on", "Ngày chính thức không thể ở tương lai.")
        if admitted and confirmed and confirmed < admitted:
            self.add_error("confirmed_on", "Ngày chính thức không thể trước ngày vào Đảng.")
        if data.get("party_status") == PartyStatus.NONE and data.get("party_card_number"):
            self.add_error("party_card_number", "Người lao động chưa vào Đảng không có số thẻ đảng viên.")
        return data


class MemberSheet(Sheet):
    title = "Đảng viên"
    guidance = (
        "Mỗi dòng là một đảng viên hoặc người lao động. Người đã có được nhận ra theo số thẻ đảng viên; "
        "nếu không có số thẻ thì theo họ tên + ngày sinh + đơn vị. Ô để trống ở cột không bắt buộc thì "
        "giữ nguyên dữ liệu đang có. Người có số thẻ mà mã đơn vị khác đơn vị hiện tại sẽ được chuyển "
        "sinh hoạt sang đơn vị mới từ ngày nhập."
    )
    form_class = MemberRowForm
    headings = {
        "full_name": Heading(
            "Họ và tên", "Họ, tên đệm và tên.", ("Nguyễn Văn An", "Trần Thị Bích Ngọc"), width=26
        ),
        "gender": Heading("Giới tính", "Nam hoặc Nữ.", ("Nam", "Nữ"), width=10),
        "birth_date": Heading(
            "Ngày sinh", "dd/mm/yyyy.", (datetime.date(1980, 5, 4), datetime.date(1992, 11, 23)), width=12
        ),
        "unit_code": Heading(
            "Mã đơn vị",
            "Mã đơn vị sinh hoạt (xem trang Đơn vị).",
            ("CB-VP", "CB-VP"),
            text_format=True,
            width=14,
        ),
        "party_status": Heading(
            "Đối tượng",
            "Đảng viên chính thức; Đảng viên dự bị; Người lao động.",
            ("Đảng viên chính thức", "Người lao động"),
            width=22,
        ),
        "party_card_number": Heading(
            "Số thẻ đảng viên",
            "Duy nhất; để trống nếu chưa có.",
            ("01234567", ""),
            text_format=True,
            width=16,
        ),
        "admitted_on": Heading("Ngày vào Đảng", "dd/mm/yyyy.", (datetime.date(2005, 3, 2), None), width=14),
        "confirmed_on": Heading(
            "Ngày chính thức", "dd/mm/yyyy.", (datetime.date(2006, 3, 2), None), width=14
        ),
        "position": Heading("Chức vụ", "", ("Phó Giám đốc Sở", "Chuyên viên"), width=22),
        "is_leader": Heading(
            "Cán bộ diện BTV quản lý",
            "Ghi “Có” nếu thuộc diện Ban Thường vụ quản lý, “Không” để bỏ.",
            ("Có", ""),
            width=12,
        ),
    }

    def plan(self, cleaned: list[ValidRow]) -> SheetPlan:
        plan = SheetPlan(self.title)
        units = self.units_in_scope({data["unit_code"] for _, data in cleaned})
        cards = {data["party_card_number"] for _, data in cleaned if data["party_card_number"]}
        by_card = self.people_by_card(cards)
        visible_ids = set(
            Member.objects.editable_by(self.context.user)
            .filter(pk__in=[m.pk for m in by_card.values()])
            .values_list("pk", flat=True)
        )
        by_identity: dict[tuple, list[Member]] = {}
        for member in Member.objects.select_related("unit").filter(unit__in=units.values()):
            by_identity.setdefault(
                (member.full_name.lower(), member.birth_date, member.unit.code), []
            ).append(member)

        seen_cards: dict[str, int] = {}
        seen_people: dict[tuple, int] = {}
        seen_members: dict[int, int] = {}  # one person reached by card on a row, by name on another
        for row, data in cleaned:
            code, card = data["unit_code"], data["party_card_number"]
            if not self.check_unit_code(row, code, units):
                continue
            identity = (data["full_name"].lower(), data["birth_date"], code)
            if card:
                if card in seen_cards:
                    self.error(
                        row.number, "party_card_number", f"Số thẻ “{card}” trùng với dòng {seen_cards[card]}."
                    )
                    continue
                seen_cards[card] = row.number
            elif identity in seen_people:
                self.error(
                    row.number,
                    "full_name",
                    f"Trùng họ tên, ngày sinh và đơn vị với dòng {seen_people[identity]}.",
                )
                continue
            seen_people.setdefault(identity, row.number)

            member = by_card.get(card) if card else None
            if member is not None and member.pk not in visible_ids:
                self.error(
                    row.number,
                    "party_card_number",
                    f"Số thẻ “{card}” đã thuộc về một người ở đơn vị ngoài phạm vi quản lý.",
                )
                continue
            if member is None:
                candidates = [m for m in by_identity.get(identity, []) if not card or not m.party_card_number]
                member = candidates[0] if candidates else None
            if member is None:
                plan.actions.append(
                    RowAction(row.number, "create", f"{data['full_name']} ({code})", payload=data)
                )
                continue
            if member.pk in seen_members:
                self.error(row.number, "full_name", f"Người này đã có ở dòng {seen_members[member.pk]}.")
                continue
            seen_members[member.pk] = row.number
            if not self.consistent_after_update(row, member, data):
                continue
            changes = self.diff(member, data)
            plan.actions.append(
                RowAction(
                    row.number,
                    "update" if changes else "unchanged",
                    f"{member.full_name} ({member.unit.code})",
                    changes,
                    (member, data),
                    record=member,
                )
            )
        return plan

    def consistent_after_update(self, row: SourceRow, member: Member, data: dict) -> bool:
        """Blank cells keep stored values: check the person as they will be after the update."""

        def merged(name):
            return getattr(member, name) if data[name] in ("", None) else data[name]

        admitted, confirmed = merged("admitted_on"), merged("confirmed_on")
        if admitted and confirmed and confirmed < admitted:
            column = "confirmed_on" if data["confirmed_on"] else "admitted_on"
            self.error(
                row.number,
                column,
                f"Ngày chính thức {_show('', confirmed)} không thể trước ngày vào Đảng {_show('', admitted)} "
                "(ô để trống giữ ngày đang lưu).",
            )
            return False
        card = merged("party_card_number")
        if data["party_status"] == PartyStatus.NONE and card:
            self.error(
                row.number,
                "party_status",
                f"Người này đang có số thẻ đảng viên “{card}”; "
                "người lao động chưa vào Đảng không có số thẻ đảng viên.",
            )
            return False
        return True

    def diff(self, member: Member, data: dict) -> list[str]:
        changes = []
        for name in FIELDS:
            new = data[name]
            if name in KEEP_WHEN_BLANK and new in ("", None):
                continue
            old = getattr(member, name)
            if (old or None) != (new or None):
                changes.append(f"{self.column_label(name)}: “{_show(name, old)}” → “{_show(name, new)}”")
        if member.unit.code != data["unit_code"]:
            changes.append(f"Chuyển sinh hoạt: {member.unit.code} → {data['unit_code']}")
        return changes

    def commit(self, plan: SheetPlan) -> None:
        today, now = datetime.date.today(), timezone.now()
        units = {
            u.code: u
            for u in Unit.objects.filter(
                code__in={
                    a.payload[1]["unit_code"] if a.action == "update" else a.payload["unit_code"]
                    for a in plan.actions
                    if a.action != "unchanged"
                }
            )
        }
        new_members = []
        for action in plan.actions:
            if action.action != "create":
                continue
            data = action.payload
            member = Member(unit=units[data["unit_code"]], **{name: data[name] for name in FIELDS})
            member.party_card_number = member.party_card_number or None
            member.is_leader = bool(member.is_leader)
            member.fill_derived_fields()
            new_members.append(member)
        # With history rows, as edits through the admin: a person's data keeps every version.
        history = {
            "batch_size": 1000,
            "default_user": self.context.user,
            "default_change_reason": CHANGE_REASON,
        }
        bulk_create_with_history(new_members, Member, **history)
        bulk_create_with_history(
            [Membership(member=m, unit=m.unit, started_on=today) for m in new_members], Membership, **history
        )
        changed = []
        for action in plan.actions:
            if action.action != "update":
                continue
            member, data = action.payload
            for name in FIELDS:
                if name in KEEP_WHEN_BLANK and data[name] in ("", None):
                    continue
                setattr(member, name, data[name])
            member.fill_derived_fields()
            member.updated_at = now
            changed.append(member)
            if member.unit.code != data["unit_code"]:
                transfer_member(member=member, to_unit=units[data["unit_code"]], on=today)
        bulk_update_with_history(
            changed, Member, [*FIELDS, "search_name", "sort_key", "updated_at"], **history
        )
        # Bulk writes send no model signals: say where people were added or changed.
        units_changed.send(
            sender=Member, unit_ids={m.unit_id for m in new_members} | {m.unit_id for m in changed}
        )


def _show(name: str, value) -> str:
    if value and name in CHOICES:
        return CHOICES[name](value).label
    return show(value)
