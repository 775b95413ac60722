"""Sheet “Khen thưởng”: awards and commendations of past years.

An award has exactly one recipient: a collective (a unit code) or a person, found like on the
“Đăng ký” sheet (card number, else name + birth date + unit code). It is matched on its recipient,
form, issuer and achievement year (the duplicate the law forbids), so re-importing a file never
makes a twin. It files under the collective, or the unit the person belonged to on the decision
date (`Award.fill_recipient_facts()`), which must be in the user's editing scope. The decision's
rules are the model's (`Award.decision_errors()`), as on the entry form. See
party/imports/records.py for what every record sheet shares.
"""

import datetime
from typing import Any

from django import forms
from django.db.models import Q

from party.imports.base import CHANGE_REASON, RowProblem, SourceRow, ValidRow, text_key
from party.imports.columns import Heading
from party.imports.fields import LabelChoiceField, UnitCodeField, YearField, date_field
from party.imports.records import Item, RecordSheet
from party.models import Member, Unit
from party.models.members import period_on
from party.text import clean_name, search_key
from pledges.imports.people import NewPerson, PeopleFinder, _identity, created_members
from pledges.models import Award, AwardForm, AwardIssuer, Programme

AWARD_FIELDS = ("decision_number", "decision_date", "programme", "achievement")


class AwardRowForm(forms.Form):
    recipient_unit_code = UnitCodeField(required=False)
    full_name = forms.CharField(max_length=120, required=False)
    birth_date = date_field(required=False)
    party_card_number = forms.CharField(max_length=30, required=False)
    unit_code = UnitCodeField(required=False)
    form = forms.CharField(max_length=120)
    issuer = forms.CharField(max_length=200)
    decision_number = forms.CharField(max_length=60)
    decision_date = date_field()
    year = YearField()
    programme = LabelChoiceField(
        choices=Programme.choices,
        required=False,
        aliases={
            "CT05": Programme.DIRECTIVE_05,
            "Chỉ thị 05": Programme.DIRECTIVE_05,
            "KL01": Programme.CONCLUSION_01,
            "Kết luận 01": Programme.CONCLUSION_01,
        },
    )
    achievement = forms.CharField(max_length=10000)

    def clean_full_name(self):
        return clean_name(self.cleaned_data["full_name"])

    def clean_party_card_number(self):
        return self.cleaned_data["party_card_number"].strip()

    def clean(self):
        data = super().clean()
        data["programme"] = data.get("programme") or Programme.DIRECTIVE_05
        person = [name for name in ("full_name", "birth_date", "party_card_number") if data.get(name)]
        if data.get("recipient_unit_code") and person:
            self.add_error(
                "recipient_unit_code",
                "Mỗi dòng khen một đối tượng: ghi mã tập thể, hoặc thông tin cá nhân, không ghi cả hai.",
            )
        elif person:
            for name, message in (
                ("full_name", "Khen cá nhân: ghi họ và tên."),
                ("birth_date", "Khen cá nhân: ghi ngày sinh."),
                ("unit_code", "Khen cá nhân: ghi mã đơn vị nơi người này sinh hoạt."),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        elif not data.get("recipient_unit_code") and "recipient_unit_code" not in self.errors:
            self.add_error(
                "recipient_unit_code",
                "Ghi mã tập thể được khen, hoặc họ tên, ngày sinh, mã đơn vị của cá nhân được khen.",
            )
        return data


class AwardPeopleFinder(PeopleFinder):
    def find(self, row: SourceRow, data: dict) -> Member | NewPerson | None:
        key = _identity(data["full_name"], data["birth_date"], data["unit_code"])
        if not data["party_card_number"] and not self.by_identity.get(key):
            self.sheet.error(
                row.number,
                "full_name",
                f"Không tìm thấy {data['full_name']} (sinh {data['birth_date']:%d/%m/%Y}) ở đơn vị "
                f"“{data['unit_code']}”. Người được khen phải có trong danh sách đảng viên, người lao động "
                "(hoặc trong trang “Đảng viên” của cùng tệp); người có thẻ đảng viên thì ghi số thẻ.",
            )
            return None
        return super().find(row, data)


def unit_id_on(member: Member, date: datetime.date) -> int:
    """`Member.unit_on()` over the prefetched memberships (same rule, `period_on()`): no query per person."""
    period = period_on(member.memberships.all(), date)
    return period.unit_id if period else member.unit_id


class AwardSheet(RecordSheet):
    title = "Khen thưởng"
    model = Award
    record_name = "khen thưởng"
    key_fields = ("year",)
    fields = AWARD_FIELDS
    bulk = False
    unit_columns = ("unit_code", "recipient_unit_code")
    guidance = (
        "Khen thưởng, biểu dương: mỗi dòng khen một đối tượng. Khen tập thể thì ghi Mã tập thể được khen "
        "và để trống các cột cá nhân; khen cá nhân thì để trống Mã tập thể, ghi họ tên, ngày sinh, mã "
        "đơn vị nơi người đó sinh hoạt và số thẻ đảng viên (nếu có). Người được khen phải có sẵn (hoặc "
        "có trong trang “Đảng viên” của cùng tệp). Hình thức và Cấp khen ghi đúng tên trong danh mục. "
        "Một đối tượng, một hình thức, một cấp khen, một năm thành tích là một khen thưởng: nhập lại "
        "tệp thì khen thưởng đã có được cập nhật theo tệp, không tạo bản trùng. Không dùng trang này "
        "thì xóa trang đi."
    )
    form_class = AwardRowForm
    headings = {
        "recipient_unit_code": Heading(
            "Mã tập thể được khen",
            "Khen tập thể: mã đơn vị được khen. Khen cá nhân: để trống.",
            ("CB-VP", ""),
            text_format=True,
            width=14,
        ),
        "full_name": Heading(
            "Họ và tên cá nhân được khen",
            "Khen cá nhân: họ và tên. Khen tập thể: để trống.",
            ("", "Nguyễn Văn An"),
            width=24,
        ),
        "birth_date": Heading("Ngày sinh", "dd/mm/yyyy.", (None, datetime.date(1980, 5, 4)), width=12),
        "party_card_number": Heading(
            "Số thẻ đảng viên", "Để trống với người lao động.", ("", "01234567"), text_format=True, width=14
        ),
        "unit_code": Heading(
            "Mã đơn vị của cá nhân",
            "Khen cá nhân: mã đơn vị nơi người này sinh hoạt.",
            ("", "CB-VP"),
            text_format=True,
            width=14,
        ),
        "form": Heading("Hình thức", "Ví dụ: Bằng khen; Giấy khen; Biểu dương.", ("Giấy khen", "Giấy khen")),
        "issuer": Heading(
            "Cấp khen",
            "Ví dụ: Chủ tịch UBND tỉnh; Ban Thường vụ Đảng ủy Khối; Đảng ủy cơ sở. Cấp đã thôi khen "
            "thưởng chỉ nhận quyết định trước ngày thôi.",
            ("Đảng ủy cơ sở", "Đảng ủy cơ sở"),
            width=24,
        ),
        "decision_number": Heading("Số quyết định", "", ("15-QĐ/ĐU", "15-QĐ/ĐU"), text_format=True, width=14),
        "decision_date": Heading(
            "Ngày quyết định", "dd/mm/yyyy.", (datetime.date(2026, 1, 15), datetime.date(2026, 1, 15))
        ),
        "year": Heading("Năm thành tích", "Năm của thành tích được khen.", (2025, 2025), width=10),
        "programme": Heading(
            "Chương trình",
            "CT05 (Chỉ thị 05-CT/TW) hoặc KL01 (Kết luận 01-KL/TW); để trống là CT05.",
            ("CT05", "CT05"),
            width=12,
        ),
        "achievement": Heading(
            "Thành tích",
            "",
            (
                "Có thành tích xuất sắc trong học tập và làm theo Bác năm 2025",
                "Gương mẫu, tiêu biểu trong học tập và làm theo Bác năm 2025",
            ),
            width=40,
        ),
    }

    def prepare(self, cleaned: list[ValidRow]) -> None:
        super().prepare(cleaned)
        self.forms = {search_key(f.name): f for f in AwardForm.objects.all()}
        self.issuers = {search_key(i.name): i for i in AwardIssuer.objects.all()}

    def collect(self, cleaned: list[ValidRow], units: dict[str, Unit]) -> list[Item]:
        rows = []
        for row, data in cleaned:
            column = "recipient_unit_code" if data["recipient_unit_code"] else "unit_code"
            code = data[column]
            if code in units or code in self.context.planned_unit_codes:
                rows.append((row, data))
            else:
                self.error(row.number, column, f"Không tìm thấy đơn vị mã “{code}” trong phạm vi quản lý.")
        individual = [(row, data) for row, data in rows if not data["recipient_unit_code"]]
        people = AwardPeopleFinder(self, individual, units)
        found = []
        for row, data in rows:
            person = people.find(row, data) if not data["recipient_unit_code"] else None
            if person is None and not data["recipient_unit_code"]:
                continue
            try:
                found.append((row, self.values(data, person)))
            except RowProblem as problem:
                self.error(row.number, problem.column, problem.message)
        return self.scoped_items(found, units)

    def values(self, data: dict, person: Member | NewPerson | None = None) -> dict[str, Any]:
        form, issuer = self.forms.get(search_key(data["form"])), self.issuers.get(search_key(data["issuer"]))
        if form is None:
            names = "; ".join(f.name for f in self.forms.values())
            raise RowProblem(
                "form", f"Không có hình thức “{data['form']}” trong danh mục; chọn một trong: {names}."
            )
        if issuer is None:
            raise RowProblem(
                "issuer", f"Không có cấp khen “{data['issuer']}” trong danh mục cấp khen thưởng."
            )
        # The model's rules, as the entry form applies them; the first is enough for a row.
        errors = Award.decision_errors(decision_date=data["decision_date"], year=data["year"], issuer=issuer)
        if errors:
            raise RowProblem(*next(iter(errors.items())))
        return {
            "recipient_unit": data["recipient_unit_code"] or None,
            "recipient": person,
            "recipient_name": person.full_name if person else f"Tập thể {data['recipient_unit_code']}",
            "form": form,
            "issuer": issuer,
            "year": data["year"],
            **{name: data[name] for name in AWARD_FIELDS},
        }

    def scoped_items(self, found: list[ValidRow], units: dict[str, Unit]) -> list[Item]:
        """Items filed under the collective, or the person's unit on the decision date, if in scope."""
        ids = {
            unit_id_on(v["recipient"], v["decision_date"])
            for _, v in found
            if isinstance(v["recipient"], Member)
        }
        on_date = {unit.pk: unit for unit in Unit.objects.filter(pk__in=ids)}
        editable = set(
            Unit.objects.editable_by(self.context.user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        items, seen = [], {}
        for row, values in found:
            person = values["recipient"]
            if isinstance(person, Member):
                unit = on_date[unit_id_on(person, values["decision_date"])]
                if unit.pk not in editable:
                    self.error(
                        row.number,
                        "full_name",
                        f"Ngày {values['decision_date']:%d/%m/%Y} {person.full_name} không sinh hoạt ở "
                        "đơn vị nào trong phạm vi quản lý; khen thưởng cá nhân được ghi ở đơn vị người "
                        "được khen sinh hoạt vào ngày quyết định.",
                    )
                    continue
                code, recipient = unit.code, ("m", person.pk)
            elif person is not None:
                code, recipient = person.unit_code, ("n", person)
            else:
                code = values["recipient_unit"]
                recipient = ("u", code)
            key = (recipient, values["form"].pk, values["issuer"].pk, values["year"])
            if key in seen:
                self.error(
                    row.number,
                    "form",
                    f"Trùng với dòng {seen[key]}: cùng đối tượng, hình thức, cấp khen và năm thành tích. "
                    "Một thành tích chỉ khen một lần; nếu đúng là hai khen thưởng khác nhau, nhập khen "
                    "thưởng thứ hai trên trang web.",
                )
                continue
            seen[key] = row.number
            items.append(Item(row.number, code, values, key))
        return items

    def stored(self, units: dict[str, Unit], items: list[Item]) -> dict[tuple, list[Award]]:
        """Stored awards by (recipient, form, issuer, year); several when twins were confirmed."""
        member_ids = {i.key[0][1] for i in items if i.key[0][0] == "m"}
        codes = {i.key[0][1] for i in items if i.key[0][0] == "u"}
        awards = list(
            Award.objects.filter(
                Q(recipient_member_id__in=member_ids) | Q(recipient_unit__code__in=codes),
                year__in={i.values["year"] for i in items},
            ).select_related("unit", "recipient_unit", "form", "issuer")
        )
        self.editable_ids = set(
            Award.objects.editable_by(self.context.user)
            .filter(pk__in=[a.pk for a in awards])
            .values_list("pk", flat=True)
        )
        found: dict[tuple, list[Award]] = {}
        for award in awards:
            recipient = (
                ("m", award.recipient_member_id)
                if award.recipient_member_id
                else ("u", award.recipient_unit.code)
            )
            found.setdefault((recipient, award.form_id, award.issuer_id, award.year), []).append(award)
        return found

    def match(self, item: Item, stored: dict) -> Award | None:
        candidates = stored.get(item.key, [])
        number = text_key(item.values["decision_number"])
        same = [a for a in candidates if text_key(a.decision_number) == number]
        if len(candidates) > 1 and not same:
            numbers = ", ".join(a.decision_number for a in candidates)
            raise RowProblem(
                "decision_number",
                f"Đã có {len(candidates)} khen thưởng cùng đối tượng, hình thức, cấp khen, năm thành tích "
                f"(quyết định số {numbers}); ghi đúng số quyết định của khen thưởng cần cập nhật.",
            )
        current = (same or candidates or [None])[0]
        if current is not None and current.pk not in self.editable_ids:
            raise RowProblem(None, "Khen thưởng này đã có ở một đơn vị ngoài phạm vi quản lý.")
        return current

    def stored_values(self, record: Award) -> dict[str, Any]:
        return {name: getattr(record, name) for name in AWARD_FIELDS}

    def describe(self, code: str, values: dict) -> str:
        return (
            f"{values['recipient_name']} — {values['form'].name}, {values['issuer'].name}, năm "
            f"{values['year']} (quyết định {values['decision_number']})"
        )

    def commit(self, plan) -> None:
        creates = [a.payload for a in plan.actions if a.action == "create"]
        updates = [a.payload for a in plan.actions if a.action == "update"]
        units = {
            u.code: u for u in Unit.objects.filter(code__in={i.values["recipient_unit"] for i in creates})
        }
        people = [i.values["recipient"] for i in creates]
        new_people = created_members([p for p in people if isinstance(p, NewPerson)])
        # Fresh: the “Đảng viên” sheet has just written its changes (party status, admission date).
        members = Member.objects.in_bulk(
            [p.pk for p in [*people, *new_people.values()] if isinstance(p, Member)]
        )
        awards = []
        for item in creates:
            values, person = item.values, item.values["recipient"]
            if isinstance(person, NewPerson):
                person = new_people[person]
            award = Award(
                recipient_unit=units.get(values["recipient_unit"]),
                recipient_member=members[person.pk] if person is not None else None,
                form=values["form"],
                issuer=values["issuer"],
                year=values["year"],
                **{name: values[name] for name in AWARD_FIELDS},
            )
            awards.append(award)
        for current, item in updates:
            for name in AWARD_FIELDS:
                setattr(current, name, item.values[name])
            current.version += 1
            awards.append(current)
        for award in awards:
            award.fill_recipient_facts()
            award._history_user, award._change_reason = self.context.user, CHANGE_REASON
            award.save()
