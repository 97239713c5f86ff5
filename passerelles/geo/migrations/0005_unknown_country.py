"""The "to be settled" country row (geo.models.UNKNOWN_COUNTRY, "ZZ"): imports give it to an
organisation they cannot place, which stays pending until staff settle it. `Country.objects`
leaves it out (pickers, facets); `Country.all_objects` is the base manager."""

import django.db.models.functions.comparison
import django.db.models.manager
from django.db import migrations, models

UNKNOWN = {"code": "ZZ", "name_fr": "Pays à préciser", "name_en": "Country to be settled"}


def add_unknown(apps, schema_editor):
    Country = apps.get_model("geo", "Country")
    Country.objects.update_or_create(code=UNKNOWN["code"], defaults=UNKNOWN)


def remove_unknown(apps, schema_editor):
    apps.get_model("geo", "Country").objects.filter(code=UNKNOWN["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("geo", "0004_french_order")]

    operations = [
        migrations.AlterModelOptions(
            name="country",
            options={
                "base_manager_name": "all_objects",
                "ordering": [
                    django.db.models.functions.comparison.Collate(
                        models.F("name_fr"), "passerelles_fr"
                    )
                ],
                "verbose_name": "pays",
                "verbose_name_plural": "pays",
            },
        ),
        migrations.AlterModelManagers(
            name="country",
            managers=[
                ("objects", django.db.models.manager.Manager()),
                ("all_objects", django.db.models.manager.Manager()),
            ],
        ),
        migrations.RunPython(add_unknown, remove_unknown),
    ]
