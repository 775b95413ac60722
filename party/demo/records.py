"""Demo work records of a subtree: cell meetings, inspections with findings, documents, conferences.

Drawn from one `random.Random` a kind (see `drawing()`) in a fixed order, so a seed and a day give
the same records; nothing is dated after `today`, so the current year holds only what has already
happened. Inserted in bulk (party/demo/tree.py), without edit history.
"""

import datetime
import random
from dataclasses import dataclass, field

from party.demo.tree import (
    DemoTree,
    DemoUnit,
    drawing,
    in_month,
    random_day,
    save_all,
    save_links,
    term_theme,
    working_day,
)
from party.models import (
    ConductingBody,
    Conference,
    ConferenceKind,
    Document,
    DocumentKind,
    Inspection,
    InspectionFinding,
    InspectionKind,
    Meeting,
    MeetingKind,
    UnitKind,
)

# Cell meetings ----------------------------------------------------------------------------------

REGULAR_TOPIC = (
    "Sinh hoạt định kỳ tháng {month}/{year}: đánh giá kết quả tháng, triển khai nhiệm vụ tháng tới"
)
REGULAR_DIRECTIVE = [
    "kiểm điểm việc thực hiện việc làm theo Bác đã đăng ký",
    "kể chuyện về Bác: “Bác Hồ với đức tính tiết kiệm”",
    "kể chuyện về Bác: “Chiếc đồng hồ” và bài học về tinh thần trách nhiệm",
    "đọc và trao đổi lời Bác dạy về cần, kiệm, liêm, chính",
    "biểu dương đảng viên làm tốt việc làm theo Bác trong tháng",
    "liên hệ việc nêu gương của đảng viên theo tấm gương của Bác",
]
THEMATIC_DIRECTIVE = [
    "Chuyên đề: Học tập và làm theo Bác về ý chí tự lực, tự cường và khát vọng phát triển đất nước",
    "Chuyên đề: Nêu cao tinh thần trách nhiệm, nêu gương của cán bộ, đảng viên, nhất là người đứng đầu",
    "Chuyên đề: Thực hành tiết kiệm, chống lãng phí theo tư tưởng Hồ Chí Minh",
    "Chuyên đề: Phong cách làm việc dân chủ, khoa học, sát thực tế của Chủ tịch Hồ Chí Minh",
    "Chuyên đề: Đạo đức công vụ, văn hóa ứng xử nơi công sở theo lời Bác dạy",
    "Chuyên đề: Học tập và làm theo Di chúc của Chủ tịch Hồ Chí Minh",
]
THEMATIC_OTHER = [
    "Chuyên đề: Nâng cao chất lượng sinh hoạt chi bộ",
    "Chuyên đề: Công tác phát triển đảng viên",
    "Chuyên đề: Phòng, chống tham nhũng, lãng phí, tiêu cực",
    "Chuyên đề: Chuyển đổi số trong hoạt động của cơ quan, địa phương",
]
QUARTER_MONTHS = ((2, 3), (5, 6), (8, 9), (11, 12))


def draw_meetings(tree: DemoTree, years: range, rng: random.Random, today: datetime.date) -> list[Meeting]:
    """A meeting a month for every cell; in one month a quarter it is the thematic meeting.

    Directive-05 content in about 80 % of thematic and 30 % of regular meetings; those expected to
    attend are the cell's party members (a few exempted now and then), most of them present.
    """
    themes = {year: term_theme(year) for year in years}
    meetings = []
    for cell in tree.cells():
        usual_day, absence = rng.randint(3, 12), rng.uniform(0.02, 0.09)
        for year in years:
            members = len(tree.party_members_on([cell], min(datetime.date(year, 7, 1), today)))
            thematic = {rng.choice(months) for months in QUARTER_MONTHS}
            skipped = rng.choice((1, 2)) if rng.random() < 0.1 else None  # a Tết month merged
            for month in range(1, 13):
                day = working_day(datetime.date(year, month, usual_day + rng.randint(-1, 2)))
                if month == skipped or not members or day > today or not cell.alive_on(day):
                    continue
                expected = max(members - (1 if rng.random() < 0.15 else 0), 1)  # someone excused
                present = expected - min(rng.binomialvariate(expected, absence), expected - 1)
                meeting = Meeting(
                    unit_id=cell.pk, held_on=day, attendance_expected=expected, attendance_present=present
                )
                if month in thematic:
                    meeting.kind = MeetingKind.THEMATIC
                    meeting.includes_directive = rng.random() < 0.8
                    meeting.topic = rng.choice(
                        THEMATIC_DIRECTIVE if meeting.includes_directive else THEMATIC_OTHER
                    )
                    meeting.theme = themes[year] if meeting.includes_directive else None
                else:
                    meeting.includes_directive = rng.random() < 0.3
                    meeting.topic = REGULAR_TOPIC.format(month=month, year=year)
                    if meeting.includes_directive:
                        meeting.topic += "; " + rng.choice(REGULAR_DIRECTIVE)
                if present < expected and rng.random() < 0.3:
                    meeting.note = f"Vắng {expected - present} đồng chí có lý do (công tác, ốm)."
                meetings.append(meeting)
    return meetings


# Inspections and supervisions ---------------------------------------------------------------------

FINDINGS = [
    (
        "Kế hoạch thực hiện Chỉ thị 05-CT/TW chưa cụ thể, chưa gắn với nhiệm vụ chính trị của đơn vị.",
        "Bổ sung, cụ thể hóa kế hoạch; gắn việc làm theo Bác với nhiệm vụ chuyên môn.",
    ),
    (
        "Một số đảng viên đăng ký việc làm theo Bác còn chung chung, khó đánh giá.",
        "Hướng dẫn đảng viên đăng ký việc làm cụ thể, đo đếm được; rà soát lại bản đăng ký.",
    ),
    (
        "Nội dung học tập và làm theo Bác chưa được đưa vào sinh hoạt chi bộ thường xuyên.",
        "Đưa nội dung học tập và làm theo Bác vào sinh hoạt chi bộ định kỳ hằng tháng.",
    ),
    (
        "Biên bản sinh hoạt chi bộ ghi chép còn sơ sài, thiếu ý kiến thảo luận.",
        "Ghi đầy đủ biên bản sinh hoạt, lưu trữ theo quy định.",
    ),
    (
        "Chưa kịp thời sơ kết, đánh giá việc thực hiện cam kết của đảng viên.",
        "Tổ chức đánh giá việc thực hiện cam kết trong dịp sơ kết 6 tháng.",
    ),
    ("Thu, nộp đảng phí có tháng chưa đúng kỳ hạn.", "Thu, nộp đảng phí đúng kỳ hạn, đúng mức quy định."),
    (
        "Chưa chú trọng phát hiện, giới thiệu gương điển hình.",
        "Lựa chọn, giới thiệu ít nhất một gương điển hình mỗi năm.",
    ),
]
MEMBER_FINDINGS = [
    (
        "Một số việc làm theo Bác đã đăng ký chưa hoàn thành đúng tiến độ.",
        "Bổ sung giải pháp, hoàn thành trong quý tới và báo cáo chi bộ.",
    ),
    ("Tham gia sinh hoạt chi bộ chưa đầy đủ.", "Tham gia đầy đủ sinh hoạt chi bộ; vắng phải báo cáo lý do."),
]
ABOUT_DIRECTIVE = {
    InspectionKind.INSPECTION: "Kiểm tra việc thực hiện Chỉ thị 05-CT/TW năm {year} tại {target}",
    InspectionKind.SUPERVISION: "Giám sát chuyên đề việc học tập và làm theo Bác của {target} năm {year}",
}
OTHER_SUBJECTS = [
    "Kiểm tra việc chấp hành Điều lệ Đảng, chế độ sinh hoạt đảng của {target}",
    "Kiểm tra công tác thu, nộp, quản lý và sử dụng đảng phí tại {target}",
    "Giám sát việc lãnh đạo thực hiện nhiệm vụ chính trị năm {year} của {target}",
]


@dataclass
class DrawnInspection:
    inspection: Inspection
    units: list[int] = field(default_factory=list)
    members: list[int] = field(default_factory=list)
    findings: list[InspectionFinding] = field(default_factory=list)


def draw_inspections(tree: DemoTree, years: range, rng: random.Random, today: datetime.date) -> list:
    """Each committee checks about a quarter of its party units a year (by UBKT or BTV); each cell
    supervises some of its members now and then. Findings: 0-3, most closed, a few overdue."""
    drawn: list[DrawnInspection] = []
    for year in years:
        for committee in tree.committees():
            pool = [c for c in committee.children if c.is_cell or c.is_committee]
            if not pool:
                continue
            count = min(max(round(len(pool) * rng.uniform(0.2, 0.35)), 1), 5, len(pool))
            for target in rng.sample(pool, count):
                body = (
                    ConductingBody.INSPECTION_COMMISSION
                    if rng.random() < 0.65
                    else ConductingBody.STANDING_COMMITTEE
                )
                kind = (
                    InspectionKind.INSPECTION
                    if body == ConductingBody.INSPECTION_COMMISSION and rng.random() < 0.8
                    else InspectionKind.SUPERVISION
                )
                about = rng.random() < 0.75
                subject = ABOUT_DIRECTIVE[kind] if about else rng.choice(OTHER_SUBJECTS)
                inspection = Inspection(
                    unit_id=committee.pk,
                    kind=kind,
                    conducted_by=body,
                    about_directive=about,
                    subject=subject.format(year=year, target=target.short_name),
                )
                item = inspect(
                    rng, inspection, in_month(rng, year, 4, 11), (7, 30), today, FINDINGS, (30, 35, 22, 13)
                )
                if item:
                    item.units.append(target.pk)
                    drawn.append(item)
        for cell in tree.cells():
            if rng.random() >= 0.4:
                continue
            about = rng.random() < 0.8
            subject = (
                f"Giám sát đảng viên thực hiện bản cam kết làm theo Bác năm {year}"
                if about
                else f"Giám sát việc chấp hành nghị quyết của chi bộ, nhiệm vụ đảng viên năm {year}"
            )
            inspection = Inspection(
                unit_id=cell.pk,
                kind=InspectionKind.SUPERVISION,
                conducted_by=ConductingBody.CELL,
                about_directive=about,
                subject=subject,
            )
            item = inspect(
                rng, inspection, in_month(rng, year, 5, 10), (15, 60), today, MEMBER_FINDINGS, (70, 30)
            )
            members = tree.party_members_on([cell], item.inspection.started_on) if item else []
            if members:
                item.members = [p.pk for p, _ in rng.sample(members, min(rng.randint(1, 3), len(members)))]
                drawn.append(item)
    return drawn


def inspect(rng, inspection, started, days, today, findings, weights) -> DrawnInspection | None:
    """Dates, conclusion and findings of one inspection; None if it has not started by `today`."""
    if started > today:
        return None
    inspection.started_on = started
    ended = started + datetime.timedelta(days=rng.randint(*days))
    item = DrawnInspection(inspection)
    if ended > today:
        return item  # still under way: no conclusion yet
    inspection.ended_on = ended
    count = rng.choices(range(len(weights)), weights=weights)[0]
    for position, (content, remedy) in enumerate(rng.sample(findings, count), start=1):
        deadline = ended + datetime.timedelta(days=rng.choice((30, 45, 60, 90)))
        closed = None
        # Most are remedied on time or a little late; the few left overdue are mostly recent ones.
        left_open = 0.25 if (today - deadline).days < 180 else 0.04
        if deadline < today and rng.random() >= left_open:
            closed = random_day(
                rng, ended + datetime.timedelta(days=7), min(deadline + datetime.timedelta(days=20), today)
            )
        elif deadline >= today and rng.random() < 0.35:
            closed = random_day(rng, min(ended + datetime.timedelta(days=3), today), today)
        item.findings.append(
            InspectionFinding(
                content=content, remedy=remedy, deadline=deadline, closed_on=closed, position=position
            )
        )
    inspection.conclusion = (
        f"Thực hiện nghiêm túc, đúng quy định; còn {count} hạn chế phải khắc phục theo thời hạn."
        if count
        else "Thực hiện tốt các nội dung được kiểm tra, giám sát; không có hạn chế phải khắc phục."
    )
    return item


# Documents and conferences ----------------------------------------------------------------------

# (code, first month, last month, title): the first two every year. Codes as in party numbering.
DOCUMENTS = [
    ("KH", 1, 2, "Kế hoạch thực hiện Chỉ thị 05-CT/TW và Kết luận 01-KL/TW năm {year}"),
    ("HD", 1, 3, "Hướng dẫn cán bộ, đảng viên, người lao động đăng ký việc làm theo Bác năm {year}"),
    ("KH", 3, 4, "Kế hoạch học tập, quán triệt chuyên đề năm {year}"),
    ("CV", 4, 5, "V/v tổ chức các hoạt động kỷ niệm {age} năm Ngày sinh Chủ tịch Hồ Chí Minh"),
    ("CV", 6, 6, "V/v báo cáo sơ kết 6 tháng đầu năm {year} thực hiện Chỉ thị 05-CT/TW"),
    ("CV", 8, 9, "V/v phát hiện, giới thiệu gương điển hình trong học tập và làm theo Bác"),
    ("CV", 9, 10, "V/v đôn đốc thực hiện việc làm theo Bác đã đăng ký năm {year}"),
    ("HD", 11, 12, "Hướng dẫn kiểm điểm, đánh giá việc thực hiện cam kết làm theo Bác năm {year}"),
    ("BC", 12, 12, "Báo cáo kết quả thực hiện Chỉ thị 05-CT/TW năm {year}"),
]
ETHICAL_CODE = ("QĐ", 3, 6, "Chuẩn mực đạo đức cách mạng của cán bộ, đảng viên {unit}")
DOCUMENT_KINDS = {
    "KH": DocumentKind.PLAN,
    "HD": DocumentKind.GUIDANCE,
    "CV": DocumentKind.OFFICIAL_LETTER,
    "BC": DocumentKind.REPORT,
    "QĐ": DocumentKind.ETHICAL_CODE,
}


def document_suffix(unit: DemoUnit) -> str:
    """The issuer part of a party document number: ĐU (grassroots), HU (district), TU (province)."""
    if unit.kind != UnitKind.PARTY_COMMITTEE:
        return "ĐU"
    return "TU" if unit.parent is None else "HU"


def draw_documents(tree: DemoTree, years: range, rng: random.Random, today: datetime.date) -> list[Document]:
    """4-8 documents a year from each committee, numbered in date order; in the first year one of
    them is its ethical code."""
    documents = []
    for committee in tree.committees():
        suffix = document_suffix(committee)
        for year in years:
            chosen = [*DOCUMENTS[:2], *rng.sample(DOCUMENTS[2:], rng.randint(2, 6))]
            if year == years[0]:
                chosen[-1] = ETHICAL_CODE
            dated = sorted(
                (in_month(rng, year, first, last), code, title) for code, first, last, title in chosen
            )
            number = rng.randint(1, 12)
            for day, code, title in dated:
                if day <= today and committee.alive_on(day):
                    text = title.format(year=year, age=year - 1890, unit=committee.short_name)
                    number_text = f"{number:02d}-{code}/{suffix}"
                    documents.append(
                        Document(
                            unit_id=committee.pk,
                            kind=DOCUMENT_KINDS[code],
                            issued_on=day,
                            number=number_text,
                            title=text,
                        )
                    )
                number += rng.randint(1, 15)
    return documents


def draw_conferences(tree: DemoTree, years: range, rng: random.Random, today: datetime.date) -> list:
    """1-2 events a year per committee: a review (mid-year, mid-term, or the term's final one) and,
    some years and always at term end, a meeting honouring exemplars around 19 May."""
    conferences = []
    headcount = tree.headcounts(today)
    for year in years:
        theme = term_theme(year)
        term_end = theme is not None and year == theme.end_year
        for committee in tree.committees():
            size = headcount[committee.pk] or 30
            delegates = min(max(int(size * rng.uniform(0.4, 0.8)), 20), rng.randint(250, 450))
            span = f"{theme.start_year}-{year}" if theme else ""
            if term_end:
                title = f"Hội nghị tổng kết 5 năm thực hiện Kết luận 01-KL/TW, giai đoạn {span}"
                events = [(ConferenceKind.FINAL_REVIEW, in_month(rng, year, 11, 12, 20), delegates, title)]
            elif theme and year == theme.start_year + 2:
                title = f"Hội nghị sơ kết giữa nhiệm kỳ thực hiện Kết luận 01-KL/TW, giai đoạn {span}"
                events = [(ConferenceKind.PRELIMINARY_REVIEW, in_month(rng, year, 6, 7), delegates, title)]
            else:
                title = f"Hội nghị sơ kết 6 tháng đầu năm {year} thực hiện Chỉ thị 05-CT/TW"
                events = [(ConferenceKind.PRELIMINARY_REVIEW, in_month(rng, year, 7, 7), delegates, title)]
            if term_end or rng.random() < 0.4:
                title = (
                    "Họp mặt, tuyên dương điển hình tiên tiến trong học tập và làm theo Bác nhân kỷ niệm "
                    f"{year - 1890} năm Ngày sinh Chủ tịch Hồ Chí Minh"
                )
                day = in_month(rng, year, 5, 5, 19)
                events.append((ConferenceKind.EXEMPLARS_MEETING, day, min(rng.randint(30, 90), size), title))
            if committee.kind == UnitKind.PARTY_COMMITTEE and rng.random() < 0.2:
                title = "Hội thi tìm hiểu cuộc đời, sự nghiệp của Chủ tịch Hồ Chí Minh"
                events.append(
                    (ConferenceKind.CONTEST, in_month(rng, year, 8, 10), rng.randint(80, 300), title)
                )
            conferences += [
                Conference(
                    unit_id=committee.pk, kind=kind, held_on=day, title=title, participants=count, theme=theme
                )
                for kind, day, count, title in events
                if day <= today and committee.alive_on(day)
            ]
    return conferences


# All of it ----------------------------------------------------------------------------------------


def build_work_records(tree: DemoTree, years: range, seed: int, today: datetime.date) -> dict[str, int]:
    """Insert the party app's records for `years`; returns counts by Vietnamese label."""
    meetings = save_all(Meeting, draw_meetings(tree, years, drawing(seed, "meetings"), today))
    drawn = draw_inspections(tree, years, drawing(seed, "inspections"), today)
    save_all(Inspection, [d.inspection for d in drawn], keep_pks=True)
    findings = []
    for item in drawn:
        for finding in item.findings:
            finding.inspection_id = item.inspection.pk
            findings.append(finding)
    save_all(InspectionFinding, findings)
    save_links(Inspection.target_units, [(d.inspection.pk, u) for d in drawn for u in d.units])
    save_links(Inspection.target_members, [(d.inspection.pk, m) for d in drawn for m in d.members])
    documents = save_all(Document, draw_documents(tree, years, drawing(seed, "documents"), today))
    conferences = save_all(Conference, draw_conferences(tree, years, drawing(seed, "conferences"), today))
    return {
        "buổi sinh hoạt chi bộ": len(meetings),
        "cuộc kiểm tra, giám sát": len(drawn),
        "nội dung phải khắc phục": len(findings),
        "văn bản": len(documents),
        "hội nghị, sự kiện": len(conferences),
    }
