"""Practice sheets ("fiches pratiques", transferable solutions): what a member, a partner abroad
or the network's staff learnt from a problem and what was done about it, written so that
others, here or there, can use it (docs/practices.md, docs/decisions.md §41)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Side
from passerelles.core.door import GuardedQuerySet
from passerelles.core.history import AbstractChangeRecord
from passerelles.core.richtext import TextFields
from passerelles.core.search.text import parse_query
from passerelles.core.text_limits import RICH_TEXT, SHORT_TEXT, TEXT
from passerelles.practices.enums import Curation, SheetStatus


class PracticeQuerySet(GuardedQuerySet, models.QuerySet):
    def published(self):
        return self.filter(status=SheetStatus.PUBLISHED)

    def visible_to(self, user):
        """Published sheets for everyone; staff see every sheet; an author sees their own
        sheets whatever their status (a pending proposal, a refusal and its reason)."""
        if user is None or not user.is_authenticated:
            return self.published()
        if user.is_network_staff:
            return self
        return self.filter(Q(status=SheetStatus.PUBLISHED) | Q(author=user))

    def pending(self):
        return self.filter(status=SheetStatus.PENDING)

    def search(self, query: str):
        """Sheets whose words hold every word of `query` as French forms (core.search.text:
        lemmas, roots, compounds; the last word also as a prefix, for search as you type)."""
        qs = self
        for term in parse_query(query or ""):
            # search_text is " token token … ": a token is matched whole, between spaces.
            match = Q(search_text__contains=f" {term.token} ")
            if term.prefix:
                match |= Q(search_text__contains=f" {term.folded}")
            if term.parts:
                parts = Q()
                for part in term.parts:
                    parts &= Q(search_text__contains=f" {part} ")
                match |= parts
            qs = qs.filter(match)
        return qs


class Practice(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=220, unique=True)
    problem = models.TextField(_("le problème"), max_length=TEXT)
    side = models.CharField(
        _("où cela s'est passé"), max_length=5, choices=Side.choices, default=Side.HERE
    )
    # Here: a commune of the region; there: a country and a locality (a town, a district).
    commune = models.ForeignKey(
        "geo.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    country = models.ForeignKey(
        "geo.Country",
        verbose_name=_("pays"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    locality = models.CharField(_("localité"), max_length=120, blank=True)
    context = models.TextField(_("le contexte"), max_length=TEXT, blank=True)
    what_was_done = models.TextField(_("ce qui a été fait"), max_length=RICH_TEXT)
    cost_amount = models.DecimalField(
        _("coût (montant)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    cost_currency = models.CharField(_("devise"), max_length=3, blank=True, default="EUR")
    cost_text = models.CharField(
        _("coût (en mots)"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple : deux jours de bénévolat par mois, un local prêté."),
    )
    what_worked = models.TextField(_("ce qui a marché"), max_length=TEXT, blank=True)
    what_did_not = models.TextField(_("ce qui n'a pas marché"), max_length=TEXT, blank=True)
    contacts = models.TextField(_("contacts"), max_length=SHORT_TEXT, blank=True)
    themes = models.ManyToManyField(
        "vocab.Theme", verbose_name=_("thèmes"), blank=True, related_name="practices"
    )
    countries = models.ManyToManyField(
        "geo.Country", verbose_name=_("pays concernés"), blank=True, related_name="practices"
    )
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("projets"), blank=True, related_name="practices"
    )
    organisations = models.ManyToManyField(
        "actors.Organisation",
        verbose_name=_("organisations"),
        blank=True,
        related_name="practices",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur·rice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.PENDING
    )
    refusal_reason = models.TextField(_("motif du refus"), max_length=SHORT_TEXT, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("relue le"), null=True, blank=True)
    # Written by the actions: the sheet's French word forms (core.search.text.index_text), so
    # "pompes solaires" finds "pompe solaire" on SQLite and PostgreSQL alike (decisions §41).
    search_text = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("fiche pratique")
        verbose_name_plural = _("fiches pratiques")
        indexes = [models.Index(fields=["status", "side"], name="practices_status_side")]
        constraints = [
            # A refusal always says why: the author reads the reason on the sheet.
            models.CheckConstraint(
                condition=~Q(status=SheetStatus.REFUSED) | ~Q(refusal_reason=""),
                name="%(app_label)s_%(class)s_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(cost_amount__isnull=True) | Q(cost_amount__gte=0),
                name="%(app_label)s_%(class)s_cost_not_negative",
            ),
        ]

    # Only what was done is rich text (like the descriptions elsewhere); the rest is plain.
    text_fields = TextFields(
        plain=("title", "locality", "cost_text"),
        lines=("problem", "context", "what_worked", "what_did_not", "contacts"),
        rich=("what_was_done",),
    )

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.text_fields.clean(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("practices:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == SheetStatus.PUBLISHED

    @property
    def place_label(self) -> str:
        if self.side == Side.HERE:
            return self.commune.name if self.commune_id else ""
        parts = [self.locality, self.country.name_fr if self.country_id else ""]
        return ", ".join(p for p in parts if p)

    @property
    def cost_label(self) -> str:
        parts = []
        if self.cost_amount is not None:
            parts.append(
                f"{int(self.cost_amount):,}".replace(",", "\u202f") + f" {self.cost_currency}"
            )
        if self.cost_text:
            parts.append(self.cost_text)
        return " — ".join(parts)


class PracticeChangeRecord(AbstractChangeRecord):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="history")

    class Meta(AbstractChangeRecord.Meta):
        verbose_name = _("modification d'une fiche pratique")
        verbose_name_plural = _("modifications des fiches pratiques")

    def __str__(self):
        return f"{self.practice} — {self.get_action_display()}"


class CuratedPairQuerySet(GuardedQuerySet, models.QuerySet):
    pass


class CuratedPair(models.Model):
    """Staff's decision about a pair of initiatives on the common-issue pages: pinned (shown
    first, with staff's note) or hidden (never shown again). Each side is named "practice:12"
    or "project:34": a pair joins sheets and projects, and a foreign key per kind and side
    would be four nullable columns for one meaning. A pair whose row was deleted since is
    ignored when shown."""

    problem = models.CharField(_("problème"), max_length=30)
    solution = models.CharField(_("solution"), max_length=30)
    decision = models.CharField(_("décision"), max_length=6, choices=Curation.choices)
    note = models.CharField(_("ce qu'ils peuvent échanger"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    objects = CuratedPairQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("paire choisie")
        verbose_name_plural = _("paires choisies")
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "solution"], name="%(app_label)s_%(class)s_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(problem=models.F("solution")), name="%(app_label)s_%(class)s_distinct"
            ),
        ]

    def __str__(self):
        return f"{self.problem} → {self.solution} ({self.get_decision_display()})"
