"""Vocabularies: editable themes (with search synonyms) and fixed codes (SDG, DAC).

Fixed codes are loaded from the project's own fixtures in passerelles/vocab/data (flattened
from the IATI codelists); themes are seeded by a migration and then belong to staff."""

import re

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from passerelles.core.text_limits import REFERENTIAL_NAME, SHORT_TEXT


class BilingualName(models.Model):
    # Text, not varchar: some SDG target labels run past 500 characters.
    name_fr = models.TextField(_("nom (français)"), max_length=REFERENTIAL_NAME)
    name_en = models.TextField(_("nom (anglais)"), max_length=REFERENTIAL_NAME)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "fr").startswith("en"):
            return self.name_en or self.name_fr
        return self.name_fr or self.name_en


class ThemeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Theme(BilingualName):
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    synonyms = models.TextField(
        _("synonymes"),
        blank=True,
        max_length=SHORT_TEXT,
        help_text=_("Un mot ou une expression par ligne ; la recherche les traite comme le thème."),
    )
    # ESSGlobal theme code (for JSON-LD exports), e.g. "T11" for international cooperation.
    essglobal_code = models.CharField(_("code ESSGlobal"), max_length=10, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("actif"), default=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name_fr"]
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")

    def synonym_list(self) -> list[str]:
        return [s.strip() for s in self.synonyms.splitlines() if s.strip()]


# The official titles start with their number ("Objectif 1. Éliminer la pauvreté…", "Goal 1.
# End poverty…"): lists that number the goals themselves show the title without it.
_GOAL_NUMBER = re.compile(r"^\s*(?:Objectif|Goal)\s+\d+\s*[.:]\s*", re.IGNORECASE)


def goal_title(name: str) -> str:
    """ "Objectif 1. Éliminer la pauvreté…" → "Éliminer la pauvreté…"."""
    return _GOAL_NUMBER.sub("", name or "", count=1)


class SdgGoal(BilingualName):
    code = models.PositiveSmallIntegerField(_("numéro"), primary_key=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("objectif de développement durable")
        verbose_name_plural = _("objectifs de développement durable")

    @property
    def short_label(self) -> str:
        return _("ODD %(code)s") % {"code": self.code}


class SdgTarget(BilingualName):
    code = models.CharField(_("code"), max_length=6, primary_key=True)
    goal = models.ForeignKey(SdgGoal, on_delete=models.PROTECT, related_name="targets")

    class Meta:
        ordering = ["goal", "code"]
        verbose_name = _("cible ODD")
        verbose_name_plural = _("cibles ODD")


class DacCategory(BilingualName):
    code = models.CharField(_("code CAD (3 chiffres)"), max_length=3, primary_key=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("catégorie de secteur CAD")
        verbose_name_plural = _("catégories de secteur CAD")


class DacSector(BilingualName):
    code = models.CharField(_("code CAD (5 chiffres)"), max_length=5, primary_key=True)
    category = models.ForeignKey(DacCategory, on_delete=models.PROTECT, related_name="sectors")
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("secteur CAD")
        verbose_name_plural = _("secteurs CAD")
