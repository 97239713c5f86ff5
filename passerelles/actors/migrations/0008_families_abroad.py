"""Partners abroad typed like everyone else.

Every organisation abroad had the single family "abroad" ("organisation partenaire à
l'étranger"), so a peasant organisation in Senegal could not be told from a commune in Togo.
Each gets the family its name, legal form and description say (actors.family_guess); when they
say nothing clear, an association, marked `family_to_review` for staff's short review list
(/annuaire/moderation/familles/). One change record per organisation says what happened.

Reverse: nothing to undo that a person would want back (the retired family no longer exists in
the code); the families and records are kept.
"""

from django.db import migrations, models
from django.utils import timezone

from passerelles.actors.family_guess import guess_family

BATCH = 500
RETIRED = "abroad"
# The labels as the history shows them (frozen here: the enum may change after this).
LABELS = {
    "si_association": "association de solidarité internationale",
    "diaspora": "organisation de solidarité issue des migrations (OSIM)",
    "local_authority": "collectivité territoriale",
    "school": "établissement scolaire",
    "university": "université, recherche",
    "health": "établissement de santé",
    "ess_enterprise": "entreprise de l'ESS",
    "peasant_org": "organisation paysanne",
    "company": "entreprise",
    "citizen_group": "collectif citoyen",
    "network": "réseau, fédération",
    "foundation": "fondation",
    "public_funder": "institution publique, bailleur",
}
OLD_LABEL = "organisation partenaire à l'étranger"
COMMENT = "Famille déduite du nom (ancienne famille « partenaire à l'étranger »)"


def type_partners_abroad(apps, schema_editor):
    Organisation = apps.get_model("actors", "Organisation")
    ChangeRecord = apps.get_model("actors", "ChangeRecord")
    now = timezone.now()
    orgs = Organisation.objects.filter(family=RETIRED).only(
        "pk", "name", "acronym", "legal_form", "description", "family", "family_to_review"
    )
    changed, records = [], []

    def flush():
        Organisation.objects.bulk_update(changed, ["family", "family_to_review"])
        ChangeRecord.objects.bulk_create(records)
        changed.clear()
        records.clear()

    for org in orgs.order_by("pk").iterator(chunk_size=BATCH):
        family, confident = guess_family(
            org.name, org.legal_form, org.description, acronym=org.acronym
        )
        org.family = str(family)
        org.family_to_review = not confident
        changed.append(org)
        records.append(
            ChangeRecord(
                organisation_id=org.pk,
                at=now,
                action="updated",
                source="system",
                changes={"family": [OLD_LABEL, LABELS.get(org.family, org.family)]},
                comment=COMMENT + (" — à vérifier" if not confident else ""),
            )
        )
        if len(changed) >= BATCH:
            flush()
    flush()


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0007_history_plain_text"),
    ]

    operations = [
        migrations.RunPython(type_partners_abroad, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organisation",
            name="family",
            field=models.CharField(
                choices=[
                    ("si_association", "association de solidarité internationale"),
                    ("diaspora", "organisation de solidarité issue des migrations (OSIM)"),
                    ("local_authority", "collectivité territoriale"),
                    ("school", "établissement scolaire"),
                    ("university", "université, recherche"),
                    ("health", "établissement de santé"),
                    ("ess_enterprise", "entreprise de l'ESS"),
                    ("peasant_org", "organisation paysanne"),
                    ("company", "entreprise"),
                    ("citizen_group", "collectif citoyen"),
                    ("network", "réseau, fédération"),
                    ("foundation", "fondation"),
                    ("public_funder", "institution publique, bailleur"),
                ],
                max_length=30,
                verbose_name="famille d'acteurs",
            ),
        ),
    ]
