"""Organisations: the actors of the network, here (the region) and there (partners abroad)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from passerelles.actors.enums import Family, Side, Size, Status
from passerelles.actors.legal_forms import is_ess_by_law
from passerelles.core.collation import sort_key
from passerelles.core.door import GuardedQuerySet
from passerelles.core.richtext import sanitise_html
from passerelles.core.slugs import slug_base, unique_slug
from passerelles.core.text_limits import RICH_TEXT, TEXT

__all__ = ["Organisation", "OrganisationQuerySet", "sanitise_html"]


def validate_siren(value: str):
    if value and not stdnum_siren.is_valid(value):
        raise ValidationError(
            _("« %(value)s » n'est pas un numéro SIREN valide (9 chiffres, clé de contrôle)."),
            params={"value": value},
            code="invalid_siren",
        )


def validate_siret(value: str):
    if value and not stdnum_siret.is_valid(value):
        raise ValidationError(
            _("« %(value)s » n'est pas un numéro SIRET valide (14 chiffres, clé de contrôle)."),
            params={"value": value},
            code="invalid_siret",
        )


validate_rna = RegexValidator(
    r"^W[0-9A-Z]{9}$",
    _("Un numéro RNA commence par W suivi de 9 caractères (chiffres ou lettres), ex. W412001234."),
    code="invalid_rna",
)


class OrganisationQuerySet(GuardedQuerySet, models.QuerySet):
    """Rows are written by passerelles.actors.actions only (GuardedQuerySet checks it)."""

    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def here(self):
        return self.filter(side=Side.HERE)

    def there(self):
        return self.filter(side=Side.THERE)

    def in_department(self, code: str):
        return self.filter(department_id=code)

    def ess(self):
        return self.filter(is_ess=True)

    def si(self):
        return self.filter(is_si=True)

    def acting_in(self, country_code: str):
        # "Acting in" a country: declared country of action, or seated there (partners abroad).
        return self.filter(
            Q(countries_of_action=country_code) | Q(country_id=country_code)
        ).distinct()

    def editable_by(self, user):
        """Organisations a user may edit directly (without moderation)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_network_staff:
            return self.all()
        return self.filter(memberships__user=user)


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    # The name without accents or case, for the French alphabetical order (core.collation).
    sort_name = models.CharField(max_length=200, default="", editable=False)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=220, unique=True)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    family = models.CharField(_("famille d'acteurs"), max_length=30, choices=Family.choices)
    # Set when the family was guessed (the retired "partner abroad" family typed from a name):
    # staff confirm it from a short review list; any later choice of the family clears it.
    family_to_review = models.BooleanField(_("famille à vérifier"), default=False)
    is_ess = models.BooleanField(_("économie sociale et solidaire (ESS)"), default=False)
    is_si = models.BooleanField(_("solidarité internationale"), default=False)
    legal_form = models.CharField(
        _("catégorie juridique (code INSEE)"),
        max_length=4,
        blank=True,
        validators=[
            RegexValidator(r"^\d{4}$", _("Le code INSEE de catégorie juridique a 4 chiffres."))
        ],
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    siret = models.CharField(
        _("SIRET du siège"), max_length=14, blank=True, validators=[validate_siret]
    )
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True, validators=[validate_rna])
    iati_ref = models.CharField(_("identifiant IATI"), max_length=100, blank=True)

    mission = models.CharField(_("mission en une phrase"), max_length=300, blank=True)
    description = models.TextField(_("présentation"), blank=True, max_length=RICH_TEXT)
    offers = models.TextField(
        _("ce que nous proposons"),
        blank=True,
        max_length=TEXT,
        help_text=_("Savoir-faire, ressources, accueil…"),
    )
    needs = models.TextField(
        _("ce que nous cherchons"),
        blank=True,
        max_length=TEXT,
        help_text=_("Partenaires, compétences, moyens…"),
    )
    themes = models.ManyToManyField(
        "vocab.Theme", verbose_name=_("thèmes"), blank=True, related_name="organisations"
    )
    sdgs = models.ManyToManyField(
        "vocab.SdgGoal", verbose_name=_("ODD"), blank=True, related_name="organisations"
    )
    countries_of_action = models.ManyToManyField(
        "geo.Country",
        verbose_name=_("pays d'action"),
        blank=True,
        related_name="active_organisations",
    )
    languages = models.JSONField(_("langues de travail"), default=list, blank=True)
    size = models.CharField(_("taille"), max_length=10, choices=Size.choices, blank=True)

    # Where it is: a commune here, or a country and a locality there.
    side = models.CharField(
        _("ici ou là-bas"), max_length=5, choices=Side.choices, default=Side.HERE, editable=False
    )
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    commune = models.ForeignKey(
        "geo.Commune", verbose_name=_("commune"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Denormalised from the commune: the directory filters and counts by department constantly.
    department = models.ForeignKey(
        "geo.Department",
        verbose_name=_("département"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        editable=False,
    )
    country = models.ForeignKey(
        "geo.Country",
        verbose_name=_("pays"),
        on_delete=models.PROTECT,
        default="FR",
        related_name="+",
    )
    locality = models.CharField(_("localité"), max_length=120, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)

    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("e-mail de contact"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)

    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    # Provenance: where the record came from ("demo", "rna", "sirene", "iati", "user"), with a
    # namespaced id in that source ("rna--W123456789") so re-imports update instead of duplicating.
    source = models.CharField(_("source"), max_length=30, blank=True)
    source_id = models.CharField(_("identifiant dans la source"), max_length=120, blank=True)
    imported_at = models.DateTimeField(_("importée le"), null=True, blank=True)
    last_verified_at = models.DateTimeField(_("vérifiée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    # Set when staff merge this record into another: its old address then leads there.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionnée dans"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_records",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["status", "family"], name="actors_org_status_family"),
            models.Index(fields=["status", "department"], name="actors_org_status_dept"),
            models.Index(fields=["siren"], name="actors_org_siren"),
            models.Index(fields=["rna"], name="actors_org_rna"),
            models.Index(fields=["sort_name", "name"], name="actors_org_sort_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source_id=""),
                name="%(app_label)s_%(class)s_unique_source_id",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | (Q(lat__gte=-90) & Q(lat__lte=90)),
                name="%(app_label)s_%(class)s_lat_range",
            ),
            models.CheckConstraint(
                condition=Q(lon__isnull=True) | (Q(lon__gte=-180) & Q(lon__lte=180)),
                name="%(app_label)s_%(class)s_lon_range",
            ),
            models.CheckConstraint(
                condition=Q(rna="") | Q(rna__regex=r"^W[0-9A-Z]{9}$"),
                name="%(app_label)s_%(class)s_rna_format",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("actors:detail", kwargs={"slug": self.slug})

    # What follows from the other fields. Called by the actions module before every write,
    # single or bulk, and nowhere else: the one place these rules live.
    DERIVED_FIELDS = ("sort_name", "side", "department", "is_ess", "description", "slug")

    def derive(self, *, with_slug: bool = True) -> None:
        """Set the derived fields: the sort key, the side (from the country, never the family),
        the department and the town-hall point (from the commune), ESS by law (from the legal
        form), the description sanitised, a unique slug (unless `with_slug` is False: bulk
        writers allocate slugs for a whole batch)."""
        self.description = sanitise_html(self.description)
        self.sort_name = sort_key(self.name)[:200]
        self.side = Side.HERE if self.country_id == "FR" else Side.THERE
        if self.commune_id:
            commune = self.commune
            self.department_id = commune.department_id
            if self.lat is None and commune.lat is not None:
                self.lat, self.lon = commune.lat, commune.lon
        else:
            self.department_id = None
        if is_ess_by_law(self.legal_form):
            self.is_ess = True
        if with_slug and not self.slug:
            self.slug = unique_slug(Organisation, self.slug_base(), exclude_pk=self.pk)

    def slug_base(self) -> str:
        return slug_base(self.acronym or self.name, "organisation", 200)

    @property
    def is_there(self) -> bool:
        return self.side == Side.THERE

    @property
    def place_label(self) -> str:
        if self.side == Side.HERE and self.commune_id:
            return f"{self.commune.name} ({self.commune.department_id})"
        parts = [self.locality, self.country.name if self.country_id else ""]
        return ", ".join(p for p in parts if p)

    def clean(self):
        # The same rules as every form, API call and import (passerelles.actors.rules).
        from passerelles.actors.rules import place_and_identifier_errors

        self.siren = re.sub(r"\s", "", self.siren or "")
        self.siret = re.sub(r"\s", "", self.siret or "")
        self.rna = (self.rna or "").strip().upper()
        errors = place_and_identifier_errors(
            country=self.country_id,
            commune=self.commune_id,
            locality=self.locality,
            siren=self.siren,
            siret=self.siret,
        )
        if errors:
            raise ValidationError(errors)
