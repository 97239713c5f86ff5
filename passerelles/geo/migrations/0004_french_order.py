"""French alphabetical order for the referential tables (see passerelles.core.collation).

On PostgreSQL, the `passerelles_fr` collation is an ICU collation for French (accents and
case compare after the letters). A server built without ICU (rare: Debian's, the official
Docker images and the managed services all have it) gets a copy of its default collation, so
that the ordering keeps working, in its byte order. SQLite needs nothing stored: each
connection registers the collation (core.apps)."""

import django.db.models.functions.comparison
from django.db import migrations, models


def create_collation(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'passerelles_fr'")
        if cursor.fetchone():
            return
        cursor.execute("SELECT 1 FROM pg_collation WHERE collprovider = 'i' LIMIT 1")
        if cursor.fetchone():
            cursor.execute("CREATE COLLATION passerelles_fr (provider = icu, locale = 'fr')")
        else:
            cursor.execute('CREATE COLLATION passerelles_fr FROM "default"')


def drop_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP COLLATION IF EXISTS passerelles_fr")


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0003_referential_names"),
    ]

    operations = [
        migrations.RunPython(create_collation, drop_collation),
        migrations.AlterModelOptions(
            name="country",
            options={
                "ordering": [
                    django.db.models.functions.comparison.Collate(
                        models.F("name_fr"), "passerelles_fr"
                    )
                ],
                "verbose_name": "pays",
                "verbose_name_plural": "pays",
            },
        ),
        migrations.AlterModelOptions(
            name="region",
            options={
                "ordering": [
                    django.db.models.functions.comparison.Collate(
                        models.F("name"), "passerelles_fr"
                    )
                ],
                "verbose_name": "région",
                "verbose_name_plural": "régions",
            },
        ),
    ]
