"""manage.py seed_demo: demo data for trying the application, or a province for benchmarks.

It lives in reports, the app that may import every other: the demo modules of party and pledges
insert in bulk and send no signals, so the report's summary tables are rebuilt here, once, after
the whole build.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from party.demo import committee, province
from party.demo.people import DEMO_SEED
from party.models import Unit
from party.years import current_year
from pledges.demo.recognition import build_records
from pledges.demo.registrations import build_pledges
from reports.tallies import refresh_tallies

# The province's registrations: a share of person-years without one, and the current year's share.
SCALE_MISSED_SHARE = 0.06
SCALE_REGISTERED_SHARE = 0.85


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu: Đảng bộ Sở Xây dựng với 8 chi bộ, 2 tổ chức đoàn thể, khoảng 150 người và "
        "3 tài khoản dùng thử (admin, canbo, bithu). Chỉ chạy trên cơ sở dữ liệu chưa có đơn vị nào."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Không làm gì nếu đã có đơn vị (chỉ in lại bảng tài khoản dùng thử). Dùng khi khởi động.",
        )
        parser.add_argument(
            "--scale",
            type=_factor,
            nargs="?",
            const=1.0,
            default=None,
            metavar="HỆ_SỐ",
            help=(
                "Thêm một cây cấp tỉnh để đo hiệu năng làm đơn vị gốc mới bên cạnh dữ liệu đang có: hệ số 1 "
                f"(mặc định) khoảng {_number(province.UNITS)} đơn vị, {_number(province.MEMBERS)} người; "
                "hệ số 10 gấp mười lần. Nếu cơ sở dữ liệu trống thì tạo dữ liệu mẫu trước. Từ chối nếu "
                f"đã có cây này (mã {province.SCALE_ROOT_CODE})."
            ),
        )
        parser.add_argument("--units", type=int, help="Với --scale: số đơn vị gần đúng (thay cho hệ số).")
        parser.add_argument("--members", type=int, help="Với --scale: số người (thay cho hệ số).")
        parser.add_argument(
            "--years",
            type=int,
            default=5,
            help="Với --scale: số năm kế hoạch, đăng ký, đánh giá và hồ sơ công tác (0: không tạo).",
        )
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help="Hạt giống ngẫu nhiên.")

    def handle(self, *args, **options) -> None:
        has_units = Unit.objects.exists()
        if options["scale"] is not None:
            self.build_scale(options, has_units)
            refresh_tallies()  # bulk inserts sent no signals: rebuild the report's tables once
            return
        if has_units:
            if options["if_empty"]:
                self.print_accounts(committee.existing_demo_accounts(), note=True)
                return
            raise CommandError(
                "Cơ sở dữ liệu đã có đơn vị; dữ liệu mẫu chỉ tạo trên cơ sở dữ liệu trống "
                "(dùng --if-empty để bỏ qua, --scale để thêm cây cấp tỉnh)."
            )
        self.build_demo(options["seed"])
        refresh_tallies()
        self.stdout.write(self.style.SUCCESS("Đã tạo dữ liệu mẫu."))

    def build_scale(self, options: dict, has_units: bool) -> None:
        if Unit.objects.filter(code=province.SCALE_ROOT_CODE).exists():
            raise CommandError(f"Đã có cây cấp tỉnh (mã {province.SCALE_ROOT_CODE}); không tạo lại.")
        factor = options["scale"]
        units = options["units"] if options["units"] is not None else round(province.UNITS * factor)
        members = options["members"] if options["members"] is not None else round(province.MEMBERS * factor)
        if units < 1 or members < 0:
            raise CommandError("--units phải từ 1 trở lên và --members không được âm.")
        if not has_units:
            self.build_demo(options["seed"])
        result = province.build_scale(
            units=units, members=members, seed=options["seed"], span_years=options["years"]
        )
        self.stdout.write(
            f"Đã tạo cây cấp tỉnh: {_number(result.units)} đơn vị, {_number(result.members)} người "
            f"({_number(result.moved)} người đã chuyển sinh hoạt) trong {_seconds(result.seconds)} giây."
        )
        if options["years"]:
            root = Unit.objects.get(code=province.SCALE_ROOT_CODE)
            this_year = current_year()
            years = range(this_year - options["years"] + 1, this_year + 1)
            count, took = build_pledges(
                root, years, registered_share=SCALE_REGISTERED_SHARE, missed_share=SCALE_MISSED_SHARE
            )
            self.stdout.write(
                f"Đã tạo {_number(count)} bản đăng ký (kèm kế hoạch) trong {_seconds(took)} giây."
            )
            self.build_records(root, years, options["seed"])

    def build_demo(self, seed: int) -> None:
        accounts = committee.build_demo(seed=seed)
        # Two evaluated past years and the current year with about 70 % registered.
        this_year = current_year()
        root = Unit.objects.get(code=committee.ROOT_CODE)
        build_pledges(root, range(this_year - 2, this_year + 1), registered_share=0.7)
        self.build_records(root, range(this_year - 2, this_year + 1), seed)
        self.print_accounts(accounts)

    def build_records(self, root: Unit, years: range, seed: int) -> None:
        """Meetings, inspections, documents, conferences, awards and good practices; prints the counts."""
        result = build_records(root, years, seed=seed)
        counts = ", ".join(f"{_number(count)} {label}" for label, count in result.counts.items())
        self.stdout.write(
            f"Đã tạo hồ sơ công tác năm {years[0]}-{years[-1]} của {root.short_name} "
            f"trong {_seconds(result.seconds)} giây: {counts}."
        )

    def print_accounts(self, accounts: list[committee.DemoAccount], note: bool = False) -> None:
        if not accounts:
            return
        heading = f"Tài khoản dùng thử (mật khẩu: {committee.DEMO_PASSWORD}"
        heading += ", nếu chưa đổi):" if note else "):"
        self.stdout.write(heading)
        for account in accounts:
            kept = "" if account.created or note else "  (đã có từ trước, giữ nguyên mật khẩu)"
            self.stdout.write(f"  {account.username:<8} {account.description}{kept}")


def _factor(text: str) -> float:
    """--scale's factor: a positive number (1 = a province)."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = 0
    if not value > 0:
        raise ValueError(text)
    return value


def _number(value: int) -> str:
    """Vietnamese thousands grouping: 100000 -> "100.000"."""
    return f"{value:,}".replace(",", ".")


def _seconds(value: float) -> str:
    return f"{value:.{1 if value >= 1 else 2}f}".replace(".", ",")
