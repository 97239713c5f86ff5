"""Countries named in plain French: names and demonyms of the network's partner countries
("burkinabè" → BF), and the preposition each takes ("au Burkina Faso"). A small table on
purpose: it covers the countries the network works with; other countries are still matched
through organisations' declared countries of action. French data, not interface strings."""

import re
from functools import lru_cache

from passerelles.core.text import fold

# code: (phrase with its preposition, forms that name the country or its people)
COUNTRIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "BF": ("au Burkina Faso", ("burkina faso", "burkina", "burkinabe", "burkinabes")),
    "SN": ("au Sénégal", ("senegal", "senegalais", "senegalaise", "senegalaises")),
    "ML": ("au Mali", ("mali", "malien", "malienne", "maliens", "maliennes")),
    "NE": ("au Niger", ("niger", "nigerien", "nigerienne", "nigeriens", "nigeriennes")),
    "BJ": ("au Bénin", ("benin", "beninois", "beninoise", "beninoises")),
    "TG": ("au Togo", ("togo", "togolais", "togolaise", "togolaises")),
    "CI": (
        "en Côte d'Ivoire",
        ("cote d'ivoire", "cote divoire", "ivoirien", "ivoirienne", "ivoiriens", "ivoiriennes"),
    ),
    "GN": ("en Guinée", ("guinee", "guineen", "guineenne", "guineens", "guineennes")),
    "CM": (
        "au Cameroun",
        ("cameroun", "camerounais", "camerounaise", "camerounaises"),
    ),
    "MG": ("à Madagascar", ("madagascar", "malgache", "malgaches")),
    "MA": ("au Maroc", ("maroc", "marocain", "marocaine", "marocains", "marocaines")),
    "TN": ("en Tunisie", ("tunisie", "tunisien", "tunisienne", "tunisiens", "tunisiennes")),
    "DZ": ("en Algérie", ("algerie", "algerien", "algerienne", "algeriens", "algeriennes")),
    "HT": ("en Haïti", ("haiti", "haitien", "haitienne", "haitiens", "haitiennes")),
    "BO": ("en Bolivie", ("bolivie", "bolivien", "bolivienne", "boliviens", "boliviennes")),
    "PE": ("au Pérou", ("perou", "peruvien", "peruvienne", "peruviens", "peruviennes")),
    "BR": ("au Brésil", ("bresil", "bresilien", "bresilienne", "bresiliens", "bresiliennes")),
    "CO": ("en Colombie", ("colombie", "colombien", "colombienne", "colombiens")),
    "VN": ("au Viêt Nam", ("viet nam", "vietnam", "vietnamien", "vietnamienne", "vietnamiens")),
    "KH": ("au Cambodge", ("cambodge", "cambodgien", "cambodgienne", "cambodgiens")),
    "LA": ("au Laos", ("laos", "laotien", "laotienne", "laotiens", "laotiennes")),
    "IN": ("en Inde", ("inde", "indien", "indienne", "indiens", "indiennes")),
    "LB": ("au Liban", ("liban", "libanais", "libanaise", "libanaises")),
    "PS": ("en Palestine", ("palestine", "palestinien", "palestinienne", "palestiniens")),
    "CD": (
        "en République démocratique du Congo",
        ("rdc", "republique democratique du congo", "congolais", "congolaise", "congolaises"),
    ),
    "MR": ("en Mauritanie", ("mauritanie", "mauritanien", "mauritanienne", "mauritaniens")),
}


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern, dict[str, str]]:
    form_to_code = {form: code for code, (_, forms) in COUNTRIES.items() for form in forms}
    # Longest forms first so "burkina faso" wins over "burkina".
    alternatives = sorted(form_to_code, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(f) for f in alternatives) + r")\b")
    return pattern, form_to_code


def countries_in(text: str) -> set[str]:
    """ISO codes of the partner countries a French text names, by name or demonym."""
    pattern, form_to_code = _pattern()
    folded = fold(text).replace("’", "'")
    return {form_to_code[m] for m in pattern.findall(folded)}


def in_country(code: str, name: str) -> str:
    """ "au Burkina Faso"; an unknown country gets its bare name."""
    entry = COUNTRIES.get(code)
    return entry[0] if entry else name


@lru_cache(maxsize=1)
def country_forms() -> tuple[str, ...]:
    return tuple(form for _, forms in COUNTRIES.values() for form in forms)
