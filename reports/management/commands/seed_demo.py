"""manage.py seed_demo: demo data for trying the application, or a province for benchmarks."""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from party.demo import people as demo
from party.models import Unit
from pledges.demo.recognition import build_records
from pledges.demo.registrations import build_pledges


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
            action="store_true",
            help=(
                "Thêm một cây cấp tỉnh để đo hiệu năng (mặc định khoảng 2.000 đơn vị, 100.000 người) làm "
                f"đơn vị gốc mới bên cạnh dữ liệu đang có; nếu cơ sở dữ liệu trống thì tạo dữ liệu mẫu "
                f"trước. Từ chối nếu đã có cây này (mã {demo.SCALE_ROOT_CODE})."
            ),
        )
        parser.add_argument("--units", type=int, default=2000, help="Với --scale: số đơn vị gần đúng.")
        parser.add_argument("--members", type=int, default=100_000, help="Với --scale: số người.")
        parser.add_argument(
            "--years",
            type=int,
            default=5,
            help="Với --scale: số năm kế hoạch, đăng ký, đánh giá và hồ sơ công tác (0: không tạo).",
        )
        parser.add_argument("--seed", type=int, default=demo.DEMO_SEED, help="Hạt giống ngẫu nhiên.")

    def handle(self, *args, **options) -> None:
        has_units = Unit.objects.exists()
        if options["scale"]:
            if Unit.objects.filter(code=demo.SCALE_ROOT_CODE).exists():
                raise CommandError(f"Đã có cây cấp tỉnh (mã {demo.SCALE_ROOT_CODE}); không tạo lại.")
            if options["units"] < 1 or options["members"] < 0:
                raise CommandError("--units phải từ 1 trở lên và --members không được âm.")
            if not has_units:
                self.build_demo(options["seed"])
            result = demo.build_scale(
                units=options["units"], members=options["members"], seed=options["seed"]
            )
            seconds = f"{result.seconds:.1f}".replace(".", ",")
            self.stdout.write(
                f"Đã tạo cây cấp tỉnh: {_number(result.units)} đơn vị, {_number(result.members)} người "
                f"trong {seconds} giây."
            )
            if options["years"]:
                root = Unit.objects.get(code=demo.SCALE_ROOT_CODE)
                this_year = datetime.date.today().year
                count, took = build_pledges(root, range(this_year - options["years"] + 1, this_year + 1))
                took_text = f"{took:.1f}".replace(".", ",")
                self.stdout.write(
                    f"Đã tạo {_number(count)} bản đăng ký (kèm kế hoạch) trong {took_text} giây."
                )
                self.build_records(
                    root, range(this_year - options["years"] + 1, this_year + 1), options["seed"]
                )
            return
        if has_units:
            if options["if_empty"]:
                self.print_accounts(demo.existing_demo_accounts(), note=True)
                return
            raise CommandError(
                "Cơ sở dữ liệu đã có đơn vị; dữ liệu mẫu chỉ tạo trên cơ sở dữ liệu trống "
                "(dùng --if-empty để bỏ qua, --scale để thêm cây cấp tỉnh)."
            )
        self.build_demo(options["seed"])
        self.stdout.write(self.style.SUCCESS("Đã tạo dữ liệu mẫu."))

    def build_demo(self, seed: int) -> None:
        accounts = demo.build_demo(seed=seed)
        # Two evaluated past years and the current year with about 70 % registered.
        this_year = datetime.date.today().year
        root = Unit.objects.get(code=demo.ROOT_CODE)
        build_pledges(root, range(this_year - 2, this_year + 1), registered_share=0.7)
        self.build_records(root, range(this_year - 2, this_year + 1), seed)
        self.print_accounts(accounts)

    def build_records(self, root: Unit, years: range, seed: int) -> None:
        """Meetings, inspections, documents, conferences, awards and good practices; prints the counts."""
        result = build_records(root, years, seed=seed)
        counts = ", ".join(f"{_number(count)} {label}" for label, count in result.counts.items())
        seconds = f"{result.seconds:.{1 if result.seconds >= 1 else 2}f}".replace(".", ",")
        self.stdout.write(
            f"Đã tạo hồ sơ công tác năm {years[0]}-{years[-1]} của {root.short_name} "
            f"trong {seconds} giây: {counts}."
        )

    def print_accounts(self, accounts: list[demo.DemoAccount], note: bool = False) -> None:
        if not accounts:
            return
        heading = f"Tài khoản dùng thử (mật khẩu: {demo.DEMO_PASSWORD}"
        heading += ", nếu chưa đổi):" if note else "):"
        self.stdout.write(heading)
        for account in accounts:
            kept = "" if account.created or note else "  (đã có từ trước, giữ nguyên mật khẩu)"
            self.stdout.write(f"  {account.username:<8} {account.description}{kept}")


def _number(value: int) -> str:
    """Vietnamese thousands grouping: 100000 -> "100.000"."""
    return f"{value:,}".replace(",", ".")
