"""Labels for codes that records store and people should never read raw: working languages
("fr" → "français"), record sources ("demo" → "démonstration")."""

import gettext
from functools import cache

import pycountry
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from passerelles.core.history import ChangeSource

# Sources a record may carry besides the change channels (ChangeSource).
OTHER_SOURCES = {
    "project": _("créée depuis un projet"),
    "user": _("site"),
}
# Names pycountry gets less right than people say them.
LANGUAGE_NAMES = {"ht": ("créole haïtien", "Haitian Creole")}


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


@cache
def _french_catalogue():
    try:
        return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["fr"])
    except OSError:  # pycountry without its catalogues: English names are better than codes
        return gettext.NullTranslations()


def language_name(code: str) -> str:
    """ "fr" → "français" (French running text puts language names in lower case) or
    "French"; an unknown code is shown as it is."""
    code = (code or "").strip().lower()
    english = _english()
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code][1 if english else 0]
    language = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    language = language or (pycountry.languages.get(alpha_3=code) if len(code) == 3 else None)
    if language is None:
        return code
    if english:
        return language.name
    return _french_catalogue().gettext(language.name).lower()


def source_label(code: str) -> str:
    """ "demo" → "démonstration"; a source the app does not know (a dataset's name) as is."""
    if code in ChangeSource.values:
        return str(ChangeSource(code).label)
    return str(OTHER_SOURCES.get(code, code))
