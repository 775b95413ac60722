# Expression indexes whose statistics let PostgreSQL estimate the review report's groups.
# CREATE INDEX gathers no statistics and autovacuum would not analyze an unchanged table soon,
# hence the ANALYZE (PostgreSQL only: on SQLite, statistics of one table alone would skew the
# planner's choices for the others).

import django.db.models.functions.text
from django.db import migrations, models


def analyze_units(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE party_unit")


class Migration(migrations.Migration):
    dependencies = [
        ("party", "0004_work_records"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="unit",
            index=models.Index(
                django.db.models.functions.text.Substr("path", 1, 8), name="unit_child_prefix_8"
            ),
        ),
        migrations.AddIndex(
            model_name="unit",
            index=models.Index(
                django.db.models.functions.text.Substr("path", 1, 12), name="unit_child_prefix_12"
            ),
        ),
        migrations.RunPython(analyze_units, migrations.RunPython.noop),
    ]
