"""Vietnamese defaults for awards and themes; admins edit, add or retire them."""

import datetime

from django.db import migrations

FORMS = [
    ("Bằng khen", "award"),
    ("Giấy khen", "award"),
    ("Tuyên dương", "commendation"),
    ("Biểu dương", "commendation"),
]
# District-level bodies ended with the two-level local government on 1 July 2025.
DISTRICTS_ENDED = datetime.date(2025, 7, 1)
ISSUERS = [
    ("Thủ tướng Chính phủ", None),
    ("Ban Tuyên giáo và Dân vận Trung ương", None),
    ("Chủ tịch UBND tỉnh", None),
    ("Ban Thường vụ Tỉnh ủy", None),
    ("Ban Thường vụ Đảng ủy Khối", None),
    ("Ban Thường vụ Huyện ủy", DISTRICTS_ENDED),
    ("Chủ tịch UBND huyện", DISTRICTS_ENDED),
    ("Đảng ủy cơ sở", None),
    ("Thủ trưởng cơ quan, đơn vị", None),
    ("Chi bộ", None),
]
TERM_THEME = (
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về ý chí tự lực, tự cường "
    "và khát vọng phát triển đất nước phồn vinh, hạnh phúc"
)


def seed(apps, schema_editor):
    AwardForm = apps.get_model("pledges", "AwardForm")
    AwardIssuer = apps.get_model("pledges", "AwardIssuer")
    Theme = apps.get_model("party", "Theme")
    for order, (name, category) in enumerate(FORMS, start=1):
        AwardForm.objects.get_or_create(name=name, defaults={"category": category, "sort_order": order})
    for order, (name, retired_on) in enumerate(ISSUERS, start=1):
        AwardIssuer.objects.get_or_create(name=name, defaults={"retired_on": retired_on, "sort_order": order})
    Theme.objects.get_or_create(kind="term", start_year=2021, end_year=2025, defaults={"title": TERM_THEME})


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0004_awards_and_practices"),
        ("party", "0004_work_records"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
