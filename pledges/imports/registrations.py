"""Sheet “Đăng ký”: personal registrations with their deeds and year-end ratings, one row per deed.

The person is found like on the “Đảng viên” sheet (card number, else name + birth date + unit)
and must exist, or be created by that sheet of the same workbook. The registration is matched on
(person, year) and records the unit of the row: the unit it was made in, whatever happens later.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from party.imports.base import Column, LabelChoiceField, RowAction, SheetPlan, SourceRow
from party.imports.members import MemberSheet
from party.models import Member, Unit
from party.models.units import is_staff_for
from party.text import clean_name, search_key
from pledges.imports.common import (
    CHANGE_REASON,
    DATE_FORMATS,
    DeedWork,
    DoneField,
    GroupedSheet,
    UnitCodeField,
    YearField,
    deed_fields,
    diff_deeds,
    differs,
    short,
    show,
    write_deeds,
)
from pledges.models import NotEvaluatedReason, Pledge, PledgeDeed, PledgeStatus, RatingLevel, RatingScale

PLEDGE_FIELDS = ("unit_code", "commitment", "rating", "score", "comment", "not_evaluated_reason")
IDENTITY = ("year", "unit_code", "full_name", "birth_date", "party_card_number")
DEED_FIELDS = ("target", "deadline", "done")
WRITTEN_FIELDS = ["unit", "commitment", "status", "rating", "score", "rating_reason", "evaluation_comment",
                  "not_evaluated_reason", "evaluated_at", "version", "updated_at"]  # fmt: skip
SCORE_ERRORS = {
    "invalid": "Điểm phải là một số, ví dụ 85 hoặc 85,5.",
    "min_value": "Điểm phải từ 0 đến 100.",
    "max_value": "Điểm phải từ 0 đến 100.",
    "max_digits": "Điểm phải từ 0 đến 100.",
    "max_whole_digits": "Điểm phải từ 0 đến 100.",
    "max_decimal_places": "Điểm chỉ có tối đa 2 chữ số sau dấu phẩy.",
}


class ScoreField(forms.DecimalField):
    """A score out of 100, typed as 85,5 or 85.5 or stored as a number cell."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            min_value=0,
            max_value=100,
            max_digits=5,
            decimal_places=2,
            error_messages=SCORE_ERRORS,
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class PledgeRowForm(forms.Form):
    year = YearField()
    unit_code = UnitCodeField()
    full_name = forms.CharField(max_length=120)
    birth_date = forms.DateField(input_formats=DATE_FORMATS)
    party_card_number = forms.CharField(max_length=30, required=False)
    commitment = forms.CharField(max_length=2000, required=False)
    content, target, deadline = deed_fields().values()
    done = DoneField(required=False)
    rating = forms.CharField(max_length=100, required=False)
    score = ScoreField()
    comment = forms.CharField(max_length=2000, required=False)
    not_evaluated_reason = LabelChoiceField(choices=NotEvaluatedReason.choices, required=False)

    def clean_full_name(self):
        return clean_name(self.cleaned_data["full_name"])

    def clean_party_card_number(self):
        return self.cleaned_data["party_card_number"].strip()


@dataclass(frozen=True)
class NewPerson:
    """A person the “Đảng viên” sheet of the same workbook creates."""

    full_name: str
    birth_date: datetime.date
    unit_code: str
    card: str

    def __str__(self) -> str:
        return self.full_name


class PledgeSheet(GroupedSheet):
    title = "Đăng ký"
    record_name = "bản đăng ký"
    nullable = ("rating", "score")
    guidance = (
        "Bản đăng ký làm theo Bác của từng người, kèm kết quả đánh giá cuối năm: mỗi dòng là một việc "
        "làm. Người đăng ký phải có sẵn (hoặc có trong trang “Đảng viên” của cùng tệp) và được nhận ra "
        "theo số thẻ đảng viên, nếu không có thì theo họ tên + ngày sinh + mã đơn vị. Các dòng cùng "
        "người, cùng năm là một bản đăng ký (mỗi người mỗi năm một bản), ghi ở đơn vị nơi đăng ký; các "
        "cột Nội dung cam kết, Xếp loại, Điểm, Nhận xét, Lý do chưa đánh giá ghi giống nhau ở các dòng "
        "(ô để trống lấy theo dòng khác). Có Xếp loại là đã đánh giá; có Lý do chưa đánh giá là chưa "
        "đánh giá. Năm áp dụng quy định xếp loại theo điểm (Quy định 366-QĐ/TW) thì chỉ ghi Điểm cũng "
        "được: mức xếp loại suy ra từ điểm. Bản đăng ký đã có thì danh sách việc làm trong tệp thay "
        "cho danh sách đang lưu; người không có trong tệp giữ nguyên. Dòng chỉ có năm, đơn vị và "
        "thông tin người (chưa ghi việc làm) được bỏ qua. Không dùng trang này thì xóa trang đi."
    )
    columns = (
        Column("Năm*", "year", True, "Năm đăng ký, ví dụ 2025.", (2025, 2025), width=8),
        Column(
            "Mã đơn vị*",
            "unit_code",
            True,
            "Mã đơn vị nơi người này đăng ký năm đó (xem trang Đơn vị).",
            ("CB-VP", "CB-VP"),
            True,
            14,
        ),
        Column("Họ và tên*", "full_name", True, "", ("Nguyễn Văn An", "Nguyễn Văn An"), width=24),
        Column(
            "Ngày sinh*",
            "birth_date",
            True,
            "dd/mm/yyyy.",
            (datetime.date(1980, 5, 4), datetime.date(1980, 5, 4)),
            width=12,
        ),
        Column(
            "Số thẻ đảng viên",
            "party_card_number",
            False,
            "Để trống với người lao động.",
            ("01234567", "01234567"),
            True,
            14,
        ),
        Column(
            "Nội dung cam kết",
            "commitment",
            False,
            "Lời cam kết chung của bản đăng ký.",
            ("Gương mẫu, trách nhiệm, nói đi đôi với làm", ""),
            width=36,
        ),
        Column(
            "Nội dung việc làm*",
            "content",
            True,
            "Một việc làm theo Bác; mỗi việc một dòng.",
            ("Đi làm đúng giờ, không sử dụng điện thoại trong giờ họp", "Giúp đỡ 01 hộ nghèo ở khu dân cư"),
            width=48,
        ),
        Column(
            "Chỉ tiêu",
            "target",
            False,
            "Kết quả cần đạt, đo được.",
            ("100% ngày làm việc", "01 hộ"),
            width=18,
        ),
        Column("Thời hạn", "deadline", False, "dd/mm/yyyy.", (datetime.date(2025, 12, 31), None), width=12),
        Column(
            "Đã thực hiện",
            "done",
            False,
            "Cuối năm: “Có” hoặc “Không”; để trống nếu chưa đánh giá.",
            ("Có", "Có"),
            width=10,
        ),
        Column(
            "Xếp loại",
            "rating",
            False,
            "Tên một mức xếp loại của quy định áp dụng năm đó, ví dụ: Hoàn thành xuất sắc nhiệm vụ; "
            "Hoàn thành tốt nhiệm vụ; Hoàn thành nhiệm vụ; Không hoàn thành nhiệm vụ. Để trống nếu chưa "
            "đánh giá.",
            ("Hoàn thành tốt nhiệm vụ", ""),
            width=26,
        ),
        Column("Điểm", "score", False, "Thang 100, từ 0 đến 100; có thể để trống.", (85, None), width=8),
        Column("Nhận xét", "comment", False, "Nhận xét của chi bộ.", ("", ""), width=30),
        Column(
            "Lý do chưa đánh giá",
            "not_evaluated_reason",
            False,
            "Một trong: " + "; ".join(NotEvaluatedReason.labels) + ". Để trống nếu đã đánh giá.",
            ("", ""),
            width=22,
        ),
    )
    form_class = PledgeRowForm

    # Planning ---------------------------------------------------------------------

    def plan(self, rows: list[SourceRow]) -> SheetPlan:
        plan = SheetPlan(self.title)
        # A row with only the person (as the pre-filled workbook lists people not yet registered).
        rows = [r for r in rows if any(v for name, v in r.values.items() if name not in IDENTITY)]
        cleaned = self.clean_rows(rows)
        units = self.units_in_scope({data["unit_code"] for _, data in cleaned})
        cleaned = [(row, data) for row, data in cleaned if self.check_unit(row, data, units)]
        scales = {
            year: RatingScale.objects.in_force_for_year(year) for year in {d["year"] for _, d in cleaned}
        }
        people = PeopleFinder(self, cleaned, units)

        groups: dict[tuple, list[tuple[SourceRow, dict]]] = {}
        persons: dict[tuple, Member | NewPerson] = {}
        for row, data in cleaned:
            person = people.find(row, data)
            if person is None or not self.resolve_rating(row, data, scales.get(data["year"])):
                continue
            key = (("m", person.pk) if isinstance(person, Member) else ("n", person), data["year"])
            groups.setdefault(key, []).append((row, data))
            persons[key] = person

        member_ids = {key[0][1] for key in groups if key[0][0] == "m"}
        existing = {
            (p.member_id, p.year): p
            for p in Pledge.objects.filter(member_id__in=member_ids, year__in={year for _, year in groups})
            .select_related("unit", "rating")
            .prefetch_related("deeds")
        }
        editable = set(
            Pledge.objects.editable_by(self.context.user)
            .filter(pk__in=[p.pk for p in existing.values()])
            .values_list("pk", flat=True)
        )
        for key, group in groups.items():
            person, year = persons[key], key[1]
            current = existing.get((person.pk, year)) if isinstance(person, Member) else None
            action = self.plan_pledge(person, year, group, current, scales.get(year), editable)
            if action is not None:
                plan.actions.append(action)
        return plan

    def resolve_rating(self, row: SourceRow, data: dict, scale: RatingScale | None) -> bool:
        """The level named in the row, from the rule in force that year."""
        name = data["rating"]
        if not name:
            data["rating"] = None
            return True
        if scale is None:
            self.error(row.number, "rating", _no_scale(data["year"]))
            return False
        levels = {search_key(level.name): level for level in scale.levels.all()}
        level = levels.get(search_key(name))
        if level is None:
            names = ", ".join(f"“{lv.name}”" for lv in sorted(scale.levels.all(), key=lambda lv: lv.position))
            self.error(
                row.number,
                "rating",
                f"“{name}” không phải mức xếp loại của {scale.name} (áp dụng năm {data['year']}); "
                f"chọn một trong: {names}.",
            )
            return False
        data["rating"] = level
        return True

    def plan_pledge(self, person, year, group, current: Pledge | None, scale, editable) -> RowAction | None:
        describe = f"{person.full_name}, năm {year}"
        merged = self.merge(group, PLEDGE_FIELDS, describe)
        deeds = self.deed_rows(group, describe)
        if merged is None or deeds is None:
            return None
        values, sources = merged
        first = group[0][0].number
        if current is not None and current.pk not in editable:
            self.error(
                first,
                "unit_code",
                f"Bản đăng ký năm {year} của {person.full_name} đã có ở đơn vị {current.unit.code}, "
                "ngoài phạm vi quản lý.",
            )
            return None
        if not self.evaluate(values, sources, year, scale, current):
            return None
        code = values["unit_code"]
        label = f"{person.full_name} — năm {year} ({code})"
        if current is None:
            return RowAction(
                first, "create", f"{label}: {len(deeds)} việc làm", payload=(person, year, values, deeds)
            )
        changes = self.diff(current, values)
        deed_changes, work = diff_deeds(list(current.deeds.all()), deeds, DEED_FIELDS)
        changes += deed_changes
        if changes and current.is_locked and not is_staff_for(self.context.user, current.unit):
            self.error(
                first,
                None,
                f"Bản đăng ký năm {year} của {person.full_name} đã có kết quả cuối năm "
                f"(“{current.get_status_display()}”) nên bí thư chi bộ không sửa được; "
                "cần cán bộ đảng ủy mở lại bản đăng ký.",
            )
            return None
        return RowAction(
            first,
            "update" if changes else "unchanged",
            label,
            changes,
            (current, values, work, bool(deed_changes)),
        )

    def evaluate(self, values: dict, sources: dict, year: int, scale, current: Pledge | None) -> bool:
        """Check the rating, score and reason together; set the level a score decides, and the status."""
        level: RatingLevel | None = values["rating"]
        score: Decimal | None = values["score"]
        reason = values["not_evaluated_reason"]
        if reason and (level is not None or score is not None):
            self.error(
                sources["not_evaluated_reason"],
                "not_evaluated_reason",
                "Đã ghi lý do chưa đánh giá thì để trống Xếp loại và Điểm (hoặc xóa lý do).",
            )
            return False
        if score is not None:
            if scale is None:
                self.error(sources["score"], "score", _no_scale(year))
                return False
            if scale.uses_score:
                by_score = scale.level_for_score(score)
                if level is None and by_score is None:
                    self.error(
                        sources["score"],
                        "score",
                        f"Điểm {show(score)} không ứng với mức nào của {scale.name}.",
                    )
                    return False
                if level is None:
                    level = values["rating"] = by_score
                elif (
                    by_score is not None
                    and level.pk != by_score.pk
                    and not _reason_on_record(current, level, score)
                ):
                    self.error(
                        sources["rating"],
                        "rating",
                        f"Xếp loại “{level.name}” khác mức theo điểm: điểm {show(score)} là "
                        f"“{by_score.name}” theo {scale.name}. Sửa xếp loại hoặc điểm cho khớp.",
                    )
                    return False
            elif level is None:
                self.error(
                    sources["score"],
                    "score",
                    f"Năm {year} xếp loại theo {scale.name}, không suy ra từ điểm: hãy ghi Xếp loại.",
                )
                return False
        if level is not None:
            values["status"] = PledgeStatus.EVALUATED
        elif reason:
            values["status"] = PledgeStatus.NOT_EVALUATED
        else:
            values["status"] = PledgeStatus.REGISTERED
        return True

    def diff(self, current: Pledge, values: dict) -> list[str]:
        changes = []
        if current.unit.code != values["unit_code"]:
            changes.append(f"Đơn vị: {current.unit.code} → {values['unit_code']}")
        if differs(current.commitment, values["commitment"]):
            changes.append(
                f"Nội dung cam kết: “{short(current.commitment)}” → “{short(values['commitment'])}”"
            )
        level = values["rating"]
        if current.rating_id != (level.pk if level else None):
            changes.append(
                f"Xếp loại: “{show(current.rating and current.rating.name)}” → “{show(level and level.name)}”"
            )
        if current.score != values["score"]:
            changes.append(f"Điểm: “{show(current.score)}” → “{show(values['score'])}”")
        if differs(current.evaluation_comment, values["comment"]):
            changes.append(f"Nhận xét: “{short(current.evaluation_comment)}” → “{short(values['comment'])}”")
        if current.not_evaluated_reason != values["not_evaluated_reason"]:
            old, new = current.not_evaluated_reason, values["not_evaluated_reason"]
            changes.append(
                f"Lý do chưa đánh giá: “{show(old and NotEvaluatedReason(old).label)}” → "
                f"“{show(new and NotEvaluatedReason(new).label)}”"
            )
        if current.status != values["status"]:
            changes.append(
                f"Trạng thái: {current.get_status_display()} → {PledgeStatus(values['status']).label}"
            )
        return changes

    # Writing ------------------------------------------------------------------------

    def commit(self, plan: SheetPlan) -> None:
        user, now = self.context.user, timezone.now()
        creates = [a.payload for a in plan.actions if a.action == "create"]
        updates = [a.payload for a in plan.actions if a.action == "update"]
        codes = {values["unit_code"] for _, _, values, _ in creates} | {
            v["unit_code"] for _, v, _, _ in updates
        }
        units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        members = _created_members([person for person, _, _, _ in creates if isinstance(person, NewPerson)])

        new_pledges = []
        for person, year, values, _ in creates:
            member = person if isinstance(person, Member) else members[person]
            pledge = Pledge(member=member, year=year)
            _apply(pledge, values, units, now)
            new_pledges.append(pledge)
        new_pledges = bulk_create_with_history(
            new_pledges, Pledge, batch_size=500, default_user=user, default_change_reason=CHANGE_REASON
        )
        jobs = [
            (pledge, DeedWork(create=list(enumerate(deeds, start=1))))
            for pledge, (_, _, _, deeds) in zip(new_pledges, creates, strict=True)
        ]
        changed = []
        for current, values, work, deeds_changed in updates:
            _apply(current, values, units, now)
            current.version += 1
            current.updated_at = now
            changed.append(current)
            if deeds_changed:
                jobs.append((current, work))
        if changed:
            bulk_update_with_history(
                changed,
                Pledge,
                WRITTEN_FIELDS,
                batch_size=500,
                default_user=user,
                default_change_reason=CHANGE_REASON,
            )
        write_deeds(PledgeDeed, "pledge", jobs, DEED_FIELDS, user)


class PeopleFinder:
    """Finds the person of each row in a fixed number of queries, like the “Đảng viên” sheet does."""

    def __init__(self, sheet: PledgeSheet, cleaned: list[tuple[SourceRow, dict]], units: dict[str, Unit]):
        self.sheet = sheet
        self.units_by_id = {u.pk: u for u in units.values()}
        cards = {data["party_card_number"] for _, data in cleaned if data["party_card_number"]}
        births = {data["birth_date"] for _, data in cleaned}
        self.by_card = {
            m.party_card_number: m
            for m in Member.objects.filter(party_card_number__in=cards)
            .select_related("unit")
            .prefetch_related("memberships")
        }
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
        plans = getattr(self.sheet.context, "sheet_plans", {})
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
                    f"Số thẻ “{card}” là của một người ở đơn vị ngoài phạm vi quản lý, "
                    f"chưa từng sinh hoạt ở đơn vị “{code}”.",
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


def _identity(full_name: str, birth_date, unit_code: str) -> tuple:
    return (clean_name(full_name).lower(), birth_date, unit_code)


def _no_scale(year: int) -> str:
    return (
        f"Chưa có quy định xếp loại nào áp dụng cho năm {year}; "
        "quản trị hệ thống cần thêm quy định đó trong trang quản trị."
    )


def _reason_on_record(current: Pledge | None, level: RatingLevel, score: Decimal) -> bool:
    """The cell already recorded, in the app, why this rating differs from the score's level."""
    return (
        current is not None
        and current.rating_id == level.pk
        and current.score == score
        and bool(current.rating_reason.strip())
    )


def _apply(pledge: Pledge, values: dict, units: dict[str, Unit], now) -> None:
    """Set a registration's fields from the file's values."""
    status = values["status"]
    if differs(pledge.commitment, values["commitment"]):
        pledge.commitment = values["commitment"]
    if differs(pledge.evaluation_comment, values["comment"]):
        pledge.evaluation_comment = values["comment"]
    was_evaluated = pledge.pk is not None and pledge.status == PledgeStatus.EVALUATED and pledge.evaluated_at
    pledge.unit = units[values["unit_code"]]
    pledge.rating = values["rating"]
    pledge.score = values["score"]
    pledge.not_evaluated_reason = values["not_evaluated_reason"]
    if status != PledgeStatus.EVALUATED:
        pledge.rating_reason = ""
        pledge.evaluated_at = None
    elif not was_evaluated:
        pledge.evaluated_at = now
    pledge.status = status


def _created_members(people: list[NewPerson]) -> dict[NewPerson, Member]:
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
