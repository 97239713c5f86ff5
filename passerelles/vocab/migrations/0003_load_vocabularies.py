"""Seed SDG goals and targets, DAC sectors and the themes of the sector."""

from django.db import migrations


def load(apps, schema_editor):
    from passerelles.vocab.loaders import load_vocabularies

    load_vocabularies(apps)


class Migration(migrations.Migration):
    dependencies = [("vocab", "0002_label_text")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
