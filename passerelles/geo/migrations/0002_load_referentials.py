"""Load countries, French regions, departments and communes from packaged referentials."""

from django.db import migrations


def load(apps, schema_editor):
    from passerelles.geo.loaders import load_countries, load_france

    load_countries(apps.get_model("geo", "Country"))
    load_france(apps.get_model("geo", "Region"), apps.get_model("geo", "Department"), apps.get_model("geo", "Commune"))


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
