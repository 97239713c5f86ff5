"""What a theme contributes to the search documents of whatever carries it (organisations,
projects): its French and English names and its synonyms, so "puits" finds water actors."""

from passerelles.core.search.text import index_text
from passerelles.vocab.models import Theme


def theme_texts(using: str = "default") -> dict[int, str]:
    """Theme id → tokens of its French and English names and its synonyms."""
    return {
        pk: index_text(name_fr, name_en, synonyms.replace("\n", " "))
        for pk, name_fr, name_en, synonyms in Theme.objects.using(using).values_list(
            "pk", "name_fr", "name_en", "synonyms"
        )
    }
