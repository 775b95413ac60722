# A mover may now have several rows in one unit (one a membership period there), and a mask's
# years end in 2061 (62 bits), so both tables are rebuilt here, inside the database. The SQL is
# a frozen copy of reports/tallies.py's full rebuild as it stood: a migration never imports the
# app's live code. Each table's unit index becomes one with the columns the report reads; the
# indexes come first, so the rebuild fills them as it inserts.

import django.db.models.deletion
from django.db import migrations, models

BASE_YEAR, LAST_YEAR = 2000, 2061

PLEDGE_TALLY = """
INSERT INTO reports_pledgetally (unit_id, year, rating_id, registrations, deeds, party_registrations,
                                 party_deeds, leader_registrations, leader_deeds)
SELECT p.unit_id, p.year, p.rating_id, COUNT(*), SUM(p.deed_count),
       SUM(CASE WHEN m.party_status <> 'none' THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.party_status <> 'none' THEN p.deed_count ELSE 0 END),
       SUM(CASE WHEN m.is_leader THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.is_leader THEN p.deed_count ELSE 0 END)
FROM pledges_pledge p JOIN party_member m ON m.id = p.member_id
GROUP BY p.unit_id, p.year, p.rating_id"""

MEMBER_UNIT_YEARS = """
INSERT INTO reports_memberunityears (unit_id, member_id, registered, belonged, party_member, people)
WITH periods AS (
    SELECT id, unit_id, member_id,
           CASE WHEN {started} < {base} THEN {base} ELSE {started} END AS first_year,
           CASE WHEN ended_on IS NULL OR {ended} > {last} THEN {last} ELSE {ended} END AS last_year
    FROM party_membership
), facts AS (
    SELECT unit_id, member_id, NULL AS period_id,
           SUM(CAST(1 AS BIGINT) << (year - {base})) AS registered, CAST(0 AS BIGINT) AS belonged
    FROM pledges_pledge WHERE year BETWEEN {base} AND {last}
    GROUP BY unit_id, member_id
    UNION ALL
    SELECT unit_id, member_id, id, CAST(0 AS BIGINT),
           CASE WHEN last_year < first_year THEN CAST(0 AS BIGINT)
                ELSE ((CAST(1 AS BIGINT) << (last_year - first_year + 1)) - 1) << (first_year - {base}) END
    FROM periods
), counted AS (
    SELECT unit_id, member_id, period_id, registered, belonged,
           COUNT(period_id) OVER (PARTITION BY unit_id, member_id) AS periods_here
    FROM facts
), person_rows AS (
    SELECT unit_id, member_id, CAST(SUM(registered) AS BIGINT) AS registered,
           CAST(SUM(belonged) AS BIGINT) AS belonged, COUNT(*) OVER (PARTITION BY member_id) AS rows_of_person
    FROM counted
    GROUP BY unit_id, member_id, CASE WHEN periods_here > 1 THEN period_id END
)
SELECT r.unit_id, CASE WHEN r.rows_of_person > 1 THEN r.member_id END, r.registered, r.belonged,
       m.party_status <> 'none', COUNT(*)
FROM person_rows r JOIN party_member m ON m.id = r.member_id
GROUP BY r.unit_id, CASE WHEN r.rows_of_person > 1 THEN r.member_id END, r.registered, r.belonged,
         m.party_status <> 'none'"""


def rebuild_tallies(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        year = "CAST(STRFTIME('%Y', {}) AS INTEGER)"
    else:
        year = "CAST(EXTRACT(YEAR FROM {}) AS INTEGER)"
    schema_editor.execute("DELETE FROM reports_pledgetally")
    schema_editor.execute("DELETE FROM reports_memberunityears")
    schema_editor.execute(PLEDGE_TALLY)
    schema_editor.execute(
        MEMBER_UNIT_YEARS.format(
            started=year.format("started_on"), ended=year.format("ended_on"), base=BASE_YEAR, last=LAST_YEAR
        )
    )
    if schema_editor.connection.vendor == "postgresql":
        # Statistics now, or the first reports after a deploy plan on empty tables.
        schema_editor.execute("ANALYZE reports_pledgetally, reports_memberunityears")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_report_tallies"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="memberunityears",
            name="one_member_years_per_unit",
        ),
        migrations.AlterField(
            model_name="memberunityears",
            name="unit",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="party.unit"
            ),
        ),
        migrations.AlterField(
            model_name="pledgetally",
            name="unit",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="party.unit"
            ),
        ),
        migrations.AddIndex(
            model_name="memberunityears",
            index=models.Index(
                fields=["unit", "member", "registered", "belonged", "party_member", "people"],
                name="member_years_by_unit",
            ),
        ),
        migrations.AddIndex(
            model_name="pledgetally",
            index=models.Index(
                fields=[
                    "unit",
                    "year",
                    "rating",
                    "registrations",
                    "deeds",
                    "party_registrations",
                    "party_deeds",
                    "leader_registrations",
                    "leader_deeds",
                ],
                name="pledge_tally_by_unit",
            ),
        ),
        # Last: on PostgreSQL the rows it inserts queue deferred foreign-key checks, after which
        # no index can be created in the same transaction.
        migrations.RunPython(rebuild_tallies, migrations.RunPython.noop),
    ]
