"""The college templates a space starts from; staff edit them in the admin."""

from django.db import migrations

TEMPLATES = [
    ("Organisations paysannes", "Organisations de paysannes et paysans, ici et là-bas.", True),
    ("Recherche", "Universités, instituts, chercheuses et chercheurs.", False),
    ("Institutions publiques", "Collectivités, services de l'État, bailleurs publics.", True),
    ("Partenaires là-bas", "Organisations partenaires dans les territoires de là-bas.", True),
    ("Associations", "Associations de solidarité internationale, OSIM, collectifs.", False),
    ("Collectivités", "Collectivités territoriales engagées en coopération décentralisée.", False),
    ("Entreprises de l'ESS", "Coopératives, mutuelles, entreprises solidaires.", False),
]


def forwards(apps, schema_editor):
    CollegeTemplate = apps.get_model("cooperation", "CollegeTemplate")
    for order, (name, description, required) in enumerate(TEMPLATES):
        CollegeTemplate.objects.update_or_create(
            name=name,
            defaults={"description": description, "order": order, "required_by_default": required},
        )


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
