"""Demo awards and good practices of a subtree, and `build_records()`: all demo work records.

Demo and benchmark data only, inserted in bulk (no edit history), drawn like party/demo/records.py.
Awards follow the reference data (pledges migration 0005): an option whose form or issuer is
missing, or whose issuer is retired on the decision date (district bodies from 1/7/2025), drops
out. An individual's award is filed under the unit they belonged to on the decision date.
"""

import datetime
import random
import time
from dataclasses import dataclass

from django.db import transaction

from party.demo.records import build_work_records
from party.demo.tree import DemoTree, DemoUnit, drawing, save_all, save_links, term_theme, working_day
from party.models import Conference, Document, Inspection, Meeting, Member, Unit, UnitKind
from pledges.models import Award, AwardForm, AwardIssuer, GoodPractice, PracticeKind, Programme

CONCLUSION_01 = Programme.CONCLUSION_01


@dataclass(frozen=True)
class Option:
    issuer: str
    form: str
    number: str  # the decision number, "{n}" replaced
    weight: int


# Year-end awards to the people and collectives of a grassroots committee.
YEAR_END = [
    Option("Đảng ủy cơ sở", "Giấy khen", "{n}-QĐ/ĐU", 80),
    Option("Ban Thường vụ Tỉnh ủy", "Bằng khen", "{n}-QĐ/TU", 2),
    Option("Chủ tịch UBND tỉnh", "Bằng khen", "{n}/QĐ-UBND", 2),
]
# ...and from the level above: a district (until its bodies ended) or, for a committee at the
# top of the tree such as the demo's department committee, the bloc committee.
UNDER_DISTRICT = [
    Option("Ban Thường vụ Huyện ủy", "Giấy khen", "{n}-QĐ/HU", 12),
    Option("Chủ tịch UBND huyện", "Giấy khen", "{n}/QĐ-UBND", 4),
]
UNDER_BLOC = [Option("Ban Thường vụ Đảng ủy Khối", "Giấy khen", "{n}-QĐ/ĐUK", 14)]
# Commendations around 19 May, the exemplars' meeting.
MAY = [
    Option("Đảng ủy cơ sở", "Biểu dương", "{n}-QĐ/ĐU", 85),
    Option("Đảng ủy cơ sở", "Tuyên dương", "{n}-QĐ/ĐU", 15),
]
# Collectives honoured by a district committee (its grassroots committees) and by the province.
DISTRICT = [Option("Ban Thường vụ Huyện ủy", "Giấy khen", "{n}-QĐ/HU", 1)]
PROVINCE = [Option("Ban Thường vụ Tỉnh ủy", "Bằng khen", "{n}-QĐ/TU", 1)]


class Recognition:
    """Draws the awards of the occasions of a year; one decision (number) per issuer and occasion."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.forms = {form.name: form for form in AwardForm.objects.all()}
        self.issuers = {issuer.name: issuer for issuer in AwardIssuer.objects.all()}
        self.awards: list[Award] = []

    def usable(self, options: list[Option], day: datetime.date) -> list[Option]:
        return [
            option
            for option in options
            if option.form in self.forms
            and (issuer := self.issuers.get(option.issuer))
            and (issuer.retired_on is None or day < issuer.retired_on)
        ]

    def occasion(self, options, day, year, recipients, achievement, programme=Programme.DIRECTIVE_05) -> None:
        """Awards on `day` to `recipients` (Unit or (person, unit pk)), each under one usable option."""
        options = self.usable(options, day)
        if not options or not recipients:
            return
        numbers: dict[Option, str] = {}
        for recipient in recipients:
            option = self.rng.choices(options, weights=[o.weight for o in options])[0]
            if option not in numbers:
                numbers[option] = option.number.format(
                    n=self.rng.randint(10, 300) if "ĐU" in option.number else self.rng.randint(300, 4000)
                )
            award = Award(
                form=self.forms[option.form],
                issuer=self.issuers[option.issuer],
                year=year,
                decision_number=numbers[option],
                decision_date=day,
                programme=programme,
                achievement=achievement,
            )
            if isinstance(recipient, DemoUnit):
                award.recipient_unit = Unit(pk=recipient.pk, name=recipient.name)
                award.unit_id, award.was_party_member = recipient.pk, None
            else:
                person, unit_pk = recipient
                award.recipient_member = Member(pk=person.pk, full_name=person.full_name)
                award.unit_id, award.was_party_member = unit_pk, person.party_member_on(day)
            self.awards.append(award)


def draw_awards(tree: DemoTree, years: range, rng: random.Random, today: datetime.date) -> list[Award]:
    """About 3 % of people a year (2 % at year end, 1 % commended in May) and a few collectives;
    district and provincial committees honour some of their grassroots committees."""
    recognition = Recognition(rng)
    grassroots = [c for c in tree.committees() if any(child.is_cell for child in c.children)]
    for year in years:
        theme = term_theme(year)
        term_end = theme is not None and year == theme.end_year
        span = f"{theme.start_year}-{theme.end_year}" if theme else ""
        for committee in grassroots:
            may = working_day(datetime.date(year, 5, rng.randint(10, 18)))
            year_end = working_day(datetime.date(year, 12, rng.randint(15, 26)))
            above = UNDER_DISTRICT if committee.parent else UNDER_BLOC
            collectives = [c for c in committee.children if not c.is_committee]
            for day, options, share, group_share in (
                (may, MAY, 0.01, 0.07),
                (year_end, YEAR_END + above, 0.02, 0.2),
            ):
                if day > today or not committee.alive_on(day):
                    continue
                people = tree.present_on(committee.subtree(), day)
                chosen = rng.sample(people, round(len(people) * share * rng.uniform(0.7, 1.3)))
                groups = [c for c in collectives if c.alive_on(day)]
                least = 1 if day == year_end else 0
                chosen_groups = rng.sample(
                    groups,
                    min(max(round(len(groups) * group_share * rng.uniform(0.5, 1.5)), least), len(groups)),
                )
                if day == may:
                    achievement = (
                        f"Điển hình tiêu biểu trong học tập và làm theo Bác, nhân kỷ niệm {year - 1890} năm "
                        "Ngày sinh Chủ tịch Hồ Chí Minh"
                    )
                    recognition.occasion(options, day, year, chosen_groups + chosen, achievement)
                elif term_end:
                    achievement = f"Có thành tích xuất sắc trong 5 năm thực hiện Kết luận 01-KL/TW ({span})"
                    recognition.occasion(
                        options, day, year, chosen_groups + chosen, achievement, CONCLUSION_01
                    )
                else:
                    achievement = (
                        f"Tập thể có thành tích xuất sắc trong thực hiện Chỉ thị 05-CT/TW năm {year}"
                    )
                    recognition.occasion(options, day, year, chosen_groups, achievement)
                    achievement = f"Có thành tích xuất sắc trong học tập và làm theo Bác năm {year}"
                    recognition.occasion(options, day, year, chosen, achievement)
        year_end = working_day(datetime.date(year, 12, rng.randint(15, 26)))
        if year_end > today:
            continue
        grassroots_pks = {c.pk for c in grassroots}
        for committee in tree.committees():
            if committee.kind != UnitKind.PARTY_COMMITTEE:
                continue
            below = [c for c in committee.subtree() if c.pk in grassroots_pks and c.alive_on(year_end)]
            options = PROVINCE if committee.parent is None else DISTRICT
            count = min(rng.randint(1, 2) if committee.parent else rng.randint(2, 4), len(below))
            recognition.occasion(
                options,
                year_end,
                year,
                rng.sample(below, count),
                f"Tập thể tiêu biểu trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí "
                f"Minh năm {year}",
            )
    return recognition.awards


# (title, description); they fit an office and a commune alike.
MODELS = [
    ("Mô hình “Mỗi tháng một việc làm theo Bác”", "Mỗi đảng viên chọn một việc làm cụ thể mỗi tháng."),
    ("Mô hình “Chi bộ số”", "Sinh hoạt, trao đổi và điều hành công việc của chi bộ trên môi trường số."),
    ("Mô hình “Dân vận khéo” trong giải quyết thủ tục hành chính", "Hồ sơ đúng hạn, không có phản ánh."),
    ("Mô hình “Nơi làm việc xanh, sạch, tiết kiệm”", "Giảm chi phí điện, nước, văn phòng phẩm."),
    (
        "Mô hình “Mái ấm nghĩa tình”",
        "Đảng viên, quần chúng góp công, góp tiền sửa nhà cho gia đình khó khăn.",
    ),
]
PRACTICES = [
    ("Công khai việc làm theo Bác của đảng viên trên bảng tin chi bộ", "Mọi người cùng theo dõi, góp ý."),
    ("Mỗi đảng viên một phần việc thiết thực mỗi năm", "Các phần việc được nghiệm thu cuối năm."),
    ("Kể chuyện về Bác và liên hệ bản thân trong sinh hoạt chi bộ", "Mỗi buổi một đảng viên kể, liên hệ."),
    ("Trả kết quả hồ sơ trực tuyến, người dân không phải đi lại", "Rút ngắn thời gian giải quyết hồ sơ."),
    ("Quỹ “Tiết kiệm vì người nghèo” từ chi tiêu tiết kiệm được", "Hỗ trợ các gia đình khó khăn dịp Tết."),
]
EXEMPLARS = [  # (deed, description)
    ("nhiều năm liền hoàn thành xuất sắc nhiệm vụ", "Gương mẫu, tận tụy; tích cực giúp đỡ đồng nghiệp."),
    ("tận tụy phục vụ nhân dân", "Giải quyết công việc đúng hạn, thái độ tận tình, chu đáo."),
    ("tiên phong chuyển đổi số trong công việc", "Hướng dẫn đồng nghiệp, người dân cùng áp dụng."),
    ("tích cực tham gia công tác xã hội, từ thiện", "Vận động ủng hộ quỹ vì người nghèo, đền ơn đáp nghĩa."),
    ("giản dị, tiết kiệm, sống có trách nhiệm", "Nêu gương trong công việc và sinh hoạt hằng ngày."),
]


def draw_practices(tree: DemoTree, years: range, rng: random.Random, today: datetime.date) -> list[tuple]:
    """1-3 a year from each grassroots committee's cells: models, practices and exemplary people.

    Returns (practice, people, units involved, units that replicated it)."""
    drawn = []
    for year in years:
        day = min(datetime.date(year, 6, 30), today)
        for committee in tree.committees():
            cells = [c for c in committee.children if c.is_cell and c.alive_on(day)]
            for _ in range(rng.randint(1, 3) if cells else 0):
                kind = rng.choices(PracticeKind.values, weights=(35, 30, 35))[0]
                owner = rng.choice(cells)
                if kind == PracticeKind.EXEMPLAR:
                    people = tree.present_on([owner], day)
                    if not people:
                        continue
                    person, unit_pk = rng.choice(people)
                    deed, description = rng.choice(EXEMPLARS)
                    title = f"{'Đồng chí ' if person.party_member_on(day) else ''}{person.full_name}: {deed}"
                    practice = GoodPractice(
                        unit_id=unit_pk, kind=kind, year=year, title=title, description=description
                    )
                    drawn.append((practice, [person.pk], [], []))
                    continue
                title, description = rng.choice(MODELS if kind == PracticeKind.MODEL else PRACTICES)
                members = tree.party_members_on([owner], day)
                if not members:
                    continue
                people = rng.sample(members, min(rng.randint(1, 4), len(members)))
                others = [c for c in cells if c is not owner]
                spread = rng.choice((0, 0, 1, 2, 3)) if year < today.year else 0
                practice = GoodPractice(
                    unit_id=owner.pk if rng.random() < 0.7 else committee.pk,
                    kind=kind,
                    year=year,
                    title=title,
                    description=f"Triển khai từ năm {year}. {description}",
                )
                replicated = [c.pk for c in rng.sample(others, min(spread, len(others)))]
                drawn.append((practice, [p.pk for p, _ in people], [owner.pk], replicated))
    return drawn


def build_recognition(tree: DemoTree, years: range, seed: int, today: datetime.date) -> dict[str, int]:
    awards = save_all(Award, draw_awards(tree, years, drawing(seed, "awards"), today))
    drawn = draw_practices(tree, years, drawing(seed, "practices"), today)
    save_all(GoodPractice, [d[0] for d in drawn], keep_pks=True)
    save_links(GoodPractice.people, [(d[0].pk, pk) for d in drawn for pk in d[1]])
    save_links(GoodPractice.units_involved, [(d[0].pk, pk) for d in drawn for pk in d[2]])
    save_links(GoodPractice.replicated_to, [(d[0].pk, pk) for d in drawn for pk in d[3]])
    individual = sum(a.recipient_member_id is not None for a in awards)
    return {
        "khen thưởng, biểu dương tập thể": len(awards) - individual,
        "khen thưởng, biểu dương cá nhân": individual,
        "mô hình, cách làm hay, gương điển hình": len(drawn),
    }


@dataclass(frozen=True)
class RecordsResult:
    counts: dict[str, int]
    seconds: float


@transaction.atomic
def build_records(
    root: Unit, years: range, *, seed: int, today: datetime.date | None = None
) -> RecordsResult:
    """Meetings, inspections, documents, conferences, awards and good practices of `root`'s subtree
    for `years`, nothing dated after `today`."""
    started = time.monotonic()
    today = today or datetime.date.today()
    tree = DemoTree(root)
    counts = build_work_records(tree, years, seed, today) | build_recognition(tree, years, seed, today)
    return RecordsResult(counts, time.monotonic() - started)


def delete_records() -> None:
    """Every work record, deleted ones too (they protect the people and units they name): for tests
    that rebuild the demo in the same database."""
    for model in (Award, GoodPractice, Meeting, Inspection, Document, Conference):
        model.all_objects.all().delete()
