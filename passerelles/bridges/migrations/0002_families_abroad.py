"""Partners abroad typed like everyone else (actors 0008): the suggestion profiles copy their
organisation's new family, and a funding call that named the retired "abroad" family names
instead the families partners there now have (its countries still say where)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

RETIRED = "abroad"


def follow_families(apps, schema_editor):
    Organisation = apps.get_model("actors", "Organisation")
    OrganisationProfile = apps.get_model("bridges", "OrganisationProfile")
    FundingCall = apps.get_model("bridges", "FundingCall")
    family = Organisation.objects.filter(pk=OuterRef("organisation_id")).values("family")[:1]
    OrganisationProfile.objects.filter(family=RETIRED).update(family=Subquery(family))
    calls = [c for c in FundingCall.objects.all() if RETIRED in (c.eligible_families or [])]
    if not calls:
        return
    there = set(
        Organisation.objects.filter(side="there").values_list("family", flat=True).distinct()
    )
    for call in calls:
        kept = [f for f in call.eligible_families if f != RETIRED]
        call.eligible_families = kept + sorted(there - set(kept))
        call.save(update_fields=["eligible_families"])


class Migration(migrations.Migration):
    dependencies = [
        ("bridges", "0001_initial"),
        ("actors", "0008_families_abroad"),
    ]

    operations = [migrations.RunPython(follow_families, migrations.RunPython.noop)]
