"""Vietnamese defaults: the rating rules in force since 2018. Admins add older or newer ones."""

import datetime

from django.db import migrations

LEVELS = [
    "Hoàn thành xuất sắc nhiệm vụ",
    "Hoàn thành tốt nhiệm vụ",
    "Hoàn thành nhiệm vụ",
    "Không hoàn thành nhiệm vụ",
]
SCALES = [
    ("Quy định 132-QĐ/TW", datetime.date(2018, 3, 8), False, [None] * 4),
    ("Quy định 124-QĐ/TW", datetime.date(2023, 10, 4), False, [None] * 4),
    ("Quy định 366-QĐ/TW", datetime.date(2025, 8, 30), True, [90, 70, 50, 0]),
]


def seed(apps, schema_editor):
    RatingScale = apps.get_model("pledges", "RatingScale")
    RatingLevel = apps.get_model("pledges", "RatingLevel")
    for name, effective_from, uses_score, minimums in SCALES:
        scale, created = RatingScale.objects.get_or_create(
            name=name, defaults={"effective_from": effective_from, "uses_score": uses_score}
        )
        if created:
            for position, (level, minimum) in enumerate(zip(LEVELS, minimums, strict=True), start=1):
                RatingLevel.objects.create(scale=scale, name=level, position=position, min_score=minimum)


class Migration(migrations.Migration):
    dependencies = [("pledges", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
