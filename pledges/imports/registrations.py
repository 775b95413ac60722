"""Sheet “Đăng ký”: personal registrations with their deeds and year-end ratings, one row per deed.

The person is found like on the “Đảng viên” sheet (card number, else name + birth date + unit)
and must exist, or be created by that sheet of the same workbook. The registration is matched on
(person, year) and records the unit of the row: the unit it was made in, whatever happens later.
"""

import datetime

from django import forms
from django.utils import timezone

from party.imports.base import RowAction, Sheet, SheetPlan, SourceRow, ValidRow, differs, short, show
from party.imports.columns import Heading
from party.imports.fields import LabelChoiceField, UnitCodeField, YearField, YesNoField, date_field
from party.models import Member, Unit
from party.models.units import is_staff_for
from party.signals import units_changed
from party.text import clean_name
from pledges.imports.deeds import deed_fields, deed_rows, diff_deeds, unit_existed_in_year, write_records
from pledges.imports.people import NewPerson, PeopleFinder, created_members
from pledges.imports.ratings import CellScoreField, RatingRules
from pledges.models import NotEvaluatedReason, Pledge, PledgeDeed, PledgeStatus

PLEDGE_FIELDS = ("unit_code", "commitment", "rating", "score", "comment", "not_evaluated_reason")
IDENTITY = ("year", "unit_code", "full_name", "birth_date", "party_card_number")
DEED_FIELDS = ("target", "deadline", "done")
WRITTEN_FIELDS = ("unit", "commitment", "status", "rating", "score", "rating_reason", "evaluation_comment",
                  "not_evaluated_reason", "evaluated_at")  # fmt: skip


class PledgeRowForm(forms.Form):
    year = YearField()
    unit_code = UnitCodeField()
    full_name = forms.CharField(max_length=120)
    birth_date = date_field()
    party_card_number = forms.CharField(max_length=30, required=False)
    commitment = forms.CharField(max_length=2000, required=False)
    content, target, deadline = deed_fields().values()
    done = YesNoField(required=False, blank=None)  # blank: not assessed yet
    rating = forms.CharField(max_length=100, required=False)
    score = CellScoreField()
    comment = forms.CharField(max_length=2000, required=False)
    not_evaluated_reason = LabelChoiceField(choices=NotEvaluatedReason.choices, required=False)

    def clean_full_name(self):
        return clean_name(self.cleaned_data["full_name"])

    def clean_party_card_number(self):
        return self.cleaned_data["party_card_number"].strip()


class PledgeSheet(Sheet):
    title = "Đăng ký"
    record_name = "bản đăng ký"
    open_to_secretaries = True
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
    form_class = PledgeRowForm
    headings = {
        "year": Heading("Năm", "Năm đăng ký, ví dụ 2025.", (2025, 2025), width=8),
        "unit_code": Heading(
            "Mã đơn vị",
            "Mã đơn vị nơi người này đăng ký năm đó (xem trang Đơn vị).",
            ("CB-VP", "CB-VP"),
            text_format=True,
            width=14,
        ),
        "full_name": Heading("Họ và tên", "", ("Nguyễn Văn An", "Nguyễn Văn An"), width=24),
        "birth_date": Heading(
            "Ngày sinh", "dd/mm/yyyy.", (datetime.date(1980, 5, 4), datetime.date(1980, 5, 4)), width=12
        ),
        "party_card_number": Heading(
            "Số thẻ đảng viên",
            "Để trống với người lao động.",
            ("01234567", "01234567"),
            text_format=True,
            width=14,
        ),
        "commitment": Heading(
            "Nội dung cam kết",
            "Lời cam kết chung của bản đăng ký.",
            ("Gương mẫu, trách nhiệm, nói đi đôi với làm", ""),
            width=36,
        ),
        "content": Heading(
            "Nội dung việc làm",
            "Một việc làm theo Bác; mỗi việc một dòng.",
            ("Đi làm đúng giờ, không sử dụng điện thoại trong giờ họp", "Giúp đỡ 01 hộ nghèo ở khu dân cư"),
            width=48,
        ),
        "target": Heading("Chỉ tiêu", "Kết quả cần đạt, đo được.", ("100% ngày làm việc", "01 hộ")),
        "deadline": Heading("Thời hạn", "dd/mm/yyyy.", (datetime.date(2025, 12, 31), None), width=12),
        "done": Heading(
            "Đã thực hiện", "Cuối năm: “Có” hoặc “Không”; để trống nếu chưa đánh giá.", ("Có", "Có"), width=10
        ),
        "rating": Heading(
            "Xếp loại",
            "Tên một mức xếp loại của quy định áp dụng năm đó, ví dụ: Hoàn thành xuất sắc nhiệm vụ; "
            "Hoàn thành tốt nhiệm vụ; Hoàn thành nhiệm vụ; Không hoàn thành nhiệm vụ. Để trống nếu chưa "
            "đánh giá.",
            ("Hoàn thành tốt nhiệm vụ", ""),
            width=26,
        ),
        "score": Heading("Điểm", "Thang 100, từ 0 đến 100; có thể để trống.", (85, None), width=8),
        "comment": Heading("Nhận xét", "Nhận xét của chi bộ.", ("", ""), width=30),
        "not_evaluated_reason": Heading(
            "Lý do chưa đánh giá",
            "Một trong: " + "; ".join(NotEvaluatedReason.labels) + ". Để trống nếu đã đánh giá.",
            ("", ""),
            width=22,
        ),
    }

    def clean_rows(self, rows: list[SourceRow]) -> list[ValidRow]:
        """As every sheet, leaving out the rows with only the person (as the pre-filled workbook
        lists the people not registered yet)."""
        return super().clean_rows(
            [r for r in rows if any(v for name, v in r.values.items() if name not in IDENTITY)]
        )

    # Planning ---------------------------------------------------------------------

    def plan(self, cleaned: list[ValidRow]) -> SheetPlan:
        plan = SheetPlan(self.title)
        units = self.units_in_scope({data["unit_code"] for _, data in cleaned})
        cleaned = [(row, data) for row, data in cleaned if unit_existed_in_year(self, row, data, units)]
        ratings = RatingRules(self, {d["year"] for _, d in cleaned})
        people = PeopleFinder(self, cleaned, units)

        groups: dict[tuple, list[ValidRow]] = {}
        persons: dict[tuple, Member | NewPerson] = {}
        for row, data in cleaned:
            person = people.find(row, data)
            if person is None or not ratings.resolve(row, data):
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
            action = self.plan_pledge(person, year, group, current, ratings, editable)
            if action is not None:
                plan.actions.append(action)
        return plan

    def plan_pledge(
        self, person, year, group, current: Pledge | None, ratings: RatingRules, editable
    ) -> RowAction | None:
        describe = f"{person.full_name}, năm {year}"
        merged = self.merge_group(group, PLEDGE_FIELDS, describe)
        deeds = deed_rows(self, group, describe)
        if merged is None or deeds is None:
            return None
        values, sources = merged
        first = group[0][0].number
        if current is not None and current.pk not in editable:
            self.error(
                first,
                "unit_code",
                f"Bản đăng ký năm {year} của {person.full_name} đã có ở một đơn vị ngoài phạm vi quản lý.",
            )
            return None
        if not ratings.evaluate(values, sources, year, current):
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
            record=current,
        )

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
        members = created_members([person for person, _, _, _ in creates if isinstance(person, NewPerson)])

        created = []
        for person, year, values, deeds in creates:
            member = person if isinstance(person, Member) else members[person]
            pledge = Pledge(member=member, year=year)
            _apply(pledge, values, units, now)
            created.append((pledge, deeds))
        updated, touched_units = [], set()
        for current, values, work, deeds_changed in updates:
            touched_units.add(current.unit_id)  # before the file may move it to another unit
            _apply(current, values, units, now)
            updated.append((current, work if deeds_changed else None))
        write_records(
            Pledge,
            PledgeDeed,
            "pledge",
            created=created,
            updated=updated,
            fields=WRITTEN_FIELDS,
            deed_field_names=DEED_FIELDS,
            user=user,
            now=now,
        )
        # Bulk writes send no model signals: say which units' registrations changed.
        units_changed.send(
            sender=Pledge,
            unit_ids=touched_units | {p.unit_id for p, _ in created} | {p.unit_id for p, _ in updated},
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
