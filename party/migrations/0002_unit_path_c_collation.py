"""On PostgreSQL, compare tree paths byte by byte so prefix queries can use the index."""

from django.db import migrations


def use_c_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE party_unit ALTER COLUMN path TYPE varchar(255) COLLATE "C"')


def use_default_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE party_unit ALTER COLUMN path TYPE varchar(255)")


class Migration(migrations.Migration):
    dependencies = [("party", "0001_initial")]
    operations = [migrations.RunPython(use_c_collation, use_default_collation)]
