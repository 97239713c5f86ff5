"""Seed the vocabularies from the project's fixtures (passerelles/vocab/data/*.json).

Fixed codes (SDG, DAC) are updated in place; themes are only created when missing, since staff
edit them afterwards."""

import json
from importlib.resources import files


def _read(name: str):
    return json.loads(files("passerelles.vocab").joinpath("data", name).read_text(encoding="utf-8"))


def load_vocabularies(apps=None) -> dict[str, int]:
    get = (lambda n: apps.get_model("vocab", n)) if apps else _live_model
    SdgGoal, SdgTarget = get("SdgGoal"), get("SdgTarget")
    DacCategory, DacSector, Theme = get("DacCategory"), get("DacSector"), get("Theme")
    for g in _read("sdg_goals.json"):
        SdgGoal.objects.update_or_create(
            code=g["code"], defaults={"name_fr": g["name_fr"], "name_en": g["name_en"]}
        )
    for t in _read("sdg_targets.json"):
        SdgTarget.objects.update_or_create(
            code=t["code"],
            defaults={"goal_id": t["goal"], "name_fr": t["name_fr"], "name_en": t["name_en"]},
        )
    for c in _read("dac_categories.json"):
        DacCategory.objects.update_or_create(
            code=c["code"], defaults={"name_fr": c["name_fr"], "name_en": c["name_en"]}
        )
    for s in _read("dac_sectors.json"):
        DacSector.objects.update_or_create(
            code=s["code"],
            defaults={
                "category_id": s["category"],
                "is_active": s["active"],
                # Some DAC sectors have no French narrative in the codelist: fall back to English.
                "name_fr": s["name_fr"] or s["name_en"],
                "name_en": s["name_en"],
            },
        )
    for position, t in enumerate(_read("themes.json")):
        Theme.objects.get_or_create(
            slug=t["slug"],
            defaults={
                "name_fr": t["name_fr"],
                "name_en": t["name_en"],
                "essglobal_code": t["essglobal_code"],
                "synonyms": "\n".join(t["synonyms"]),
                "position": position,
            },
        )
    return {
        "sdg_goals": SdgGoal.objects.count(),
        "sdg_targets": SdgTarget.objects.count(),
        "dac_sectors": DacSector.objects.count(),
        "themes": Theme.objects.count(),
    }


def _live_model(name):
    from django.apps import apps as live_apps

    return live_apps.get_model("vocab", name)
