"""Fixed codes (SDG, DAC) and the themes vocabulary are loaded by migrations."""

import pytest
from django.utils import translation

from passerelles.vocab.models import DacCategory, DacSector, SdgGoal, SdgTarget, Theme

pytestmark = pytest.mark.django_db


def test_sdg_goals_and_targets_in_french_and_english():
    assert SdgGoal.objects.count() == 17
    assert SdgTarget.objects.count() == 169
    assert not SdgTarget.objects.filter(name_fr="").exists()
    assert not SdgTarget.objects.filter(name_en="").exists()
    six_one = SdgTarget.objects.get(code="6.1")
    assert six_one.goal_id == 6
    assert "eau potable" in six_one.name_fr
    assert "drinking water" in six_one.name_en
    assert SdgGoal.objects.get(code=17).targets.count() == 19
    with translation.override("en"):
        assert "hunger" in SdgGoal.objects.get(code=2).name.lower()
    with translation.override("fr"):
        assert "faim" in SdgGoal.objects.get(code=2).name.lower()


def test_dac_sectors():
    assert DacCategory.objects.count() >= 40
    assert DacSector.objects.count() >= 300
    water = DacSector.objects.get(code="14030")
    assert water.category_id == "140"
    assert water.name_en and water.name_fr
    assert not DacSector.objects.filter(name_fr="").exists()


@pytest.mark.parametrize(
    "slug, synonym",
    [
        ("agriculture", "agroécologie"),
        ("agriculture", "souveraineté alimentaire"),
        ("eau-assainissement", None),
        ("sante", None),
        ("education-formation", None),
        ("ecsi", None),
        ("economie-ess", None),
        ("environnement-climat", None),
        ("culture-francophonie", None),
        ("gouvernance-locale", None),
        ("droits-genre", None),
        ("jeunesse-mobilite", None),
        ("migrations-urgence", None),
        ("numerique", None),
        ("developpement-urbain", None),
    ],
)
def test_themes_with_synonyms(slug, synonym):
    theme = Theme.objects.get(slug=slug)
    synonyms = theme.synonym_list()
    assert len(synonyms) >= 2, f"{slug} needs synonyms for search"
    assert theme.name_fr and theme.name_en
    if synonym:
        assert synonym in synonyms


def test_at_least_fourteen_active_themes_in_order():
    themes = list(Theme.objects.active())
    assert len(themes) >= 14
    assert [t.position for t in themes] == sorted(t.position for t in themes)
