"""Funding calls (appels à projets) recorded by staff, and the zones they may target."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Family
from passerelles.core.richtext import TextFields
from passerelles.core.text_limits import RICH_TEXT

# A deadline this close is highlighted (in words, not only in colour).
CLOSING_SOON_DAYS = 21


class Zone(models.Model):
    """A named list of countries a call may target ("Afrique de l'Ouest")."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    countries = models.ManyToManyField(
        "geo.Country", verbose_name=_("pays"), related_name="bridges_zones"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("zone géographique")
        verbose_name_plural = _("zones géographiques")

    def __str__(self):
        return self.name


class FundingCallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_on(self, day: date):
        return self.filter(opens_on__lte=day, closes_on__gte=day)

    def open_now(self):
        return self.open_on(timezone.localdate())

    def upcoming_or_open(self):
        """Calls whose deadline has not passed (open now or opening later)."""
        return self.filter(closes_on__gte=timezone.localdate())

    def for_eligibility(self):
        """What `eligibility()` reads, prefetched: a list of calls costs a fixed number of
        queries."""
        return self.select_related("funder").prefetch_related(
            "themes", "countries", "zones__countries"
        )


class FundingCall(models.Model):
    funder = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("financeur (annuaire)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_calls",
    )
    funder_name = models.CharField(
        _("financeur"),
        max_length=200,
        blank=True,
        help_text=_("À remplir si le financeur n'est pas dans l'annuaire."),
    )
    title = models.CharField(_("titre"), max_length=250)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=260, unique=True)
    description = models.TextField(_("présentation"), blank=True, max_length=RICH_TEXT)
    opens_on = models.DateField(_("ouverture"))
    closes_on = models.DateField(_("clôture"))
    eligible_families = models.JSONField(
        _("familles éligibles"),
        default=list,
        blank=True,
        help_text=_("Aucune : toutes les familles d'acteurs sont éligibles."),
    )
    themes = models.ManyToManyField(
        "vocab.Theme",
        verbose_name=_("thèmes"),
        blank=True,
        related_name="funding_calls",
        help_text=_("Aucun : tous les thèmes."),
    )
    countries = models.ManyToManyField(
        "geo.Country",
        verbose_name=_("pays"),
        blank=True,
        related_name="funding_calls",
        help_text=_("Aucun pays ni zone : tous les pays."),
    )
    zones = models.ManyToManyField(
        Zone, verbose_name=_("zones"), blank=True, related_name="funding_calls"
    )
    amount_min = models.DecimalField(
        _("montant minimum (€)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    amount_max = models.DecimalField(
        _("montant maximum (€)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    cofunding_rate = models.PositiveSmallIntegerField(
        _("taux de cofinancement maximum (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    url = models.URLField(_("lien vers l'appel"), blank=True)
    is_published = models.BooleanField(_("publié"), default=True)
    source = models.CharField(_("source"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = FundingCallQuerySet.as_manager()

    class Meta:
        ordering = ["closes_on", "title"]
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="%(app_label)s_%(class)s_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(amount_min__isnull=True)
                | Q(amount_max__isnull=True)
                | Q(amount_max__gte=models.F("amount_min")),
                name="%(app_label)s_%(class)s_amounts_in_order",
            ),
            models.CheckConstraint(
                condition=Q(cofunding_rate__isnull=True) | Q(cofunding_rate__lte=100),
                name="%(app_label)s_%(class)s_rate_percent",
            ),
            models.CheckConstraint(
                condition=Q(funder__isnull=False) | ~Q(funder_name=""),
                name="%(app_label)s_%(class)s_funder_named",
            ),
        ]

    # The presentation is rich text (edited as Markdown); names are plain.
    text_fields = TextFields(plain=("title", "funder_name"), rich=("description",))

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.text_fields.clean(self)
        if self.funder_id and not self.funder_name:
            self.funder_name = self.funder.name[:200]
        if not self.slug:
            base = slugify(self.title)[:240] or "appel"
            slug, n = base, 2
            while FundingCall.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("bridges:call", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("La clôture précède l'ouverture de l'appel.")
        if (
            self.amount_min is not None
            and self.amount_max is not None
            and self.amount_max < self.amount_min
        ):
            errors["amount_max"] = _("Le montant maximum est inférieur au montant minimum.")
        if not self.funder_id and not (self.funder_name or "").strip():
            errors["funder_name"] = _("Indiquez le financeur (dans l'annuaire ou son nom).")
        unknown = set(self.eligible_families or ()) - set(Family.values)
        if unknown:
            errors["eligible_families"] = _("Famille d'acteurs inconnue : %(codes)s.") % {
                "codes": ", ".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)

    @property
    def funder_label(self) -> str:
        return self.funder.name if self.funder_id else self.funder_name

    def family_labels(self) -> list[str]:
        return [str(Family(f).label) for f in self.eligible_families if f in Family.values]

    def country_codes(self) -> set[str]:
        """Countries targeted, zones expanded; empty means every country. Reads prefetched
        rows (FundingCallQuerySet.for_eligibility)."""
        codes = {c.code for c in self.countries.all()}
        for zone in self.zones.all():
            codes |= {c.code for c in zone.countries.all()}
        return codes

    def is_open(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on

    def days_left(self, today: date | None = None) -> int:
        return (self.closes_on - (today or timezone.localdate())).days

    def is_closing_soon(self, today: date | None = None) -> bool:
        return self.is_open(today) and self.days_left(today) <= CLOSING_SOON_DAYS
