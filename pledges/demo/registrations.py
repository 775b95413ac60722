"""Demo plans, registrations and evaluations for a subtree, inserted in bulk.

Demo and benchmark data only: bulk inserts leave no edit history, which is right for
records nobody edited, and send no signals: whoever keeps figures over registrations refreshes
them after the whole build (reports' seed_demo command).
"""

import datetime
import random
import time
from decimal import Decimal
from itertools import groupby

from django.db import connection, transaction
from django.utils import timezone

from party.demo.tree import analyze
from party.models import Membership, Unit, UnitKind
from party.years import current_year
from pledges.models import NotEvaluatedReason, Plan, PlanDeed, Pledge, PledgeDeed, PledgeStatus, RatingScale

DEEDS = [
    ("Đi làm đúng giờ, không làm việc riêng trong giờ hành chính", "100% ngày công"),
    ("Tiết kiệm điện, nước, văn phòng phẩm tại cơ quan", "Giảm 10% so với năm trước"),
    ("Giải quyết hồ sơ đúng hạn, không để tồn đọng", "100% hồ sơ đúng hạn"),
    ("Thái độ tận tình, chu đáo khi tiếp công dân, doanh nghiệp", "Không có phản ánh"),
    ("Tham gia đầy đủ sinh hoạt chi bộ", "12/12 buổi"),
    ("Giúp đỡ đồng nghiệp mới nâng cao chuyên môn", "1 người"),
    ("Đọc và làm theo một câu chuyện về tấm gương đạo đức Hồ Chí Minh", "4 chuyên đề"),
    ("Ủng hộ quỹ vì người nghèo, đền ơn đáp nghĩa", "1 ngày lương"),
    ("Nói không với tiêu cực, phiền hà", "Không vi phạm"),
    ("Rèn luyện sức khỏe, tham gia phong trào thể thao", "Mỗi tuần 3 buổi"),
]
COMMITMENTS = [
    "Tôi xin cam kết thực hiện tốt các việc làm đã đăng ký, giữ gìn phẩm chất đạo đức, lối sống.",
    "Tích cực học tập và làm theo Bác, hoàn thành tốt nhiệm vụ được giao.",
    "Nêu gương trong công việc và sinh hoạt, chấp hành nghiêm kỷ luật của Đảng.",
]
# Share of each level, best first: most people "hoàn thành tốt".
LEVEL_WEIGHTS = [0.2, 0.65, 0.13, 0.02]
SCORE_RANGES = [(90, 100), (70, 89), (50, 69), (30, 49)]
# (month, day) by which people have registered for the year.
REGISTRATION_DAY = (3, 31)


def build_pledges(
    root: Unit,
    years: range,
    *,
    seed: int = 5,
    registered_share: float = 1.0,
    missed_share: float = 0.0,
    batch_size: int = 2000,
) -> tuple[int, float]:
    """Plans for every cell and mass organization, and registrations with three deeds for the
    people of the subtree: `registered_share` of them in the current year, all but `missed_share`
    in past years, which are evaluated under the rule then in force. Returns (count, seconds).
    """
    started = time.monotonic()
    rng = random.Random(seed)
    this_year = current_year()
    scales = {year: RatingScale.objects.in_force_for_year(year) for year in years}
    levels = {
        year: sorted(s.levels.all(), key=lambda lv: lv.position) if s else [] for year, s in scales.items()
    }
    now = timezone.now()

    with transaction.atomic():
        planning_units = Unit.objects.in_subtree(root).filter(
            kind__in=[*UnitKind.cells(), UnitKind.MASS_ORGANIZATION]
        )
        plans = [
            Plan(
                unit_id=unit_id,
                year=year,
                title=f"Kế hoạch thực hiện Chỉ thị 05-CT/TW năm {year}",
                document_number=f"{rng.randint(1, 40)}-KH/CB",
                document_date=datetime.date(year, 2, rng.randint(1, 28)),
                deed_count=3,
            )
            for unit_id in planning_units.values_list("pk", flat=True)
            for year in years
        ]
        Plan.objects.bulk_create(plans, batch_size=batch_size)
        PlanDeed.objects.bulk_create(
            [
                PlanDeed(plan_id=plan.pk, content=content, target=target, position=position)
                for plan in plans
                for position, (content, target) in enumerate(rng.sample(DEEDS, 3), start=1)
            ],
            batch_size=batch_size,
        )

        # Read in order of person, a person's periods at a time: memory stays flat at any size.
        periods = (
            Membership.objects.filter(unit__path__startswith=root.path)
            .order_by("member_id", "started_on", "pk")
            .values_list("member_id", "unit_id", "started_on", "ended_on")
            .iterator(chunk_size=batch_size)
        )
        count, pending = 0, []
        for member_id, rows in groupby(periods, key=lambda row: row[0]):
            spans = [row[1:] for row in rows]
            for year in years:
                unit_id = _unit_in_year(spans, year)
                share = registered_share if year == this_year else 1 - missed_share
                if unit_id is None or (share < 1 and rng.random() > share):
                    continue
                pending.append(_pledge(rng, member_id, unit_id, year, levels[year], scales[year], now))
                if len(pending) >= batch_size:
                    count += _insert(rng, pending, batch_size)
                    pending = []
        count += _insert(rng, pending, batch_size)
        analyze(Plan, Pledge)
    return count, time.monotonic() - started


def _unit_in_year(spans: list[tuple], year: int) -> int | None:
    """Where the person registers in a year: the unit they belong to on REGISTRATION_DAY, else the
    first they joined later that year, else the last they left earlier that year. A registration
    stays where it was made: someone who moves in May registered in the old cell."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    day = datetime.date(year, *REGISTRATION_DAY)
    overlapping = [s for s in spans if s[1] <= last and (s[2] is None or s[2] >= first)]
    if not overlapping:
        return None
    on_day = [s for s in overlapping if s[1] <= day and (s[2] is None or s[2] >= day)]
    later = [s for s in overlapping if s[1] > day]
    if on_day:
        return max(on_day, key=lambda s: s[1])[0]
    if later:
        return min(later, key=lambda s: s[1])[0]
    return max(overlapping, key=lambda s: s[1])[0]


def _pledge(rng, member_id, unit_id, year, levels, scale, now) -> Pledge:
    pledge = Pledge(
        member_id=member_id, unit_id=unit_id, year=year, commitment=rng.choice(COMMITMENTS), deed_count=3
    )
    if year >= current_year() or not levels:
        return pledge
    if rng.random() < 0.02:
        pledge.status, pledge.not_evaluated_reason = PledgeStatus.NOT_EVALUATED, NotEvaluatedReason.SICK_LEAVE
        return pledge
    index = rng.choices(range(len(levels)), weights=LEVEL_WEIGHTS[: len(levels)])[0]
    pledge.status, pledge.rating, pledge.evaluated_at = PledgeStatus.EVALUATED, levels[index], now
    if scale.uses_score:
        low, high = SCORE_RANGES[index]
        pledge.score = Decimal(rng.randint(low, high))
    return pledge


def _insert(rng: random.Random, pledges: list[Pledge], batch_size: int) -> int:
    Pledge.objects.bulk_create(pledges, batch_size=batch_size)
    rows = []
    for pledge in pledges:
        for position, (content, target) in enumerate(rng.sample(DEEDS, 3), start=1):
            done = None if pledge.status != PledgeStatus.EVALUATED else rng.random() < 0.93
            rows.append((pledge.pk, content, target, position, done))
    # Three deeds a registration make millions of rows at province scale: multi-row INSERTs are
    # several times faster than model instances through bulk_create, on SQLite and PostgreSQL.
    table, rows_per_statement = PledgeDeed._meta.db_table, 1000
    insert = f"INSERT INTO {table} (pledge_id, content, target, position, done) VALUES "
    with connection.cursor() as cursor:
        for start in range(0, len(rows), rows_per_statement):
            chunk = rows[start : start + rows_per_statement]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            params = [value for row in chunk for value in row]
            cursor.execute(insert + values, params)
    return len(pledges)
