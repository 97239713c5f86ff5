"""Common issues here and there, curated by staff (the automatic groups need no row)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from passerelles.core.richtext import TextFields
from passerelles.core.text_limits import RICH_TEXT


class CommonIssue(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=220, unique=True)
    description = models.TextField(_("présentation"), blank=True, max_length=RICH_TEXT)
    themes = models.ManyToManyField(
        "vocab.Theme", verbose_name=_("thèmes"), blank=True, related_name="common_issues"
    )
    sdg_targets = models.ManyToManyField(
        "vocab.SdgTarget", verbose_name=_("cibles ODD"), blank=True, related_name="+"
    )
    keywords = models.CharField(
        _("mots-clés"),
        max_length=300,
        blank=True,
        help_text=_("Quelques mots qui décrivent l'enjeu, séparés par des espaces."),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_published = models.BooleanField(_("publié"), default=True)
    source = models.CharField(_("source"), max_length=30, blank=True)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("enjeu commun")
        verbose_name_plural = _("enjeux communs")

    # The presentation is rich text (edited as Markdown); title and keywords are plain.
    text_fields = TextFields(plain=("title", "keywords"), rich=("description",))

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.text_fields.clean(self)
        if not self.slug:
            base = slugify(self.title)[:200] or "enjeu"
            slug, n = base, 2
            while CommonIssue.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("bridges:issue", kwargs={"slug": self.slug})


class PinnedPair(models.Model):
    """An initiative here and one there that staff think could learn from each other."""

    issue = models.ForeignKey(CommonIssue, on_delete=models.CASCADE, related_name="pinned_pairs")
    here = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("initiative ici"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    there = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("initiative là-bas"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    note = models.CharField(_("ce qu'ils peuvent échanger"), max_length=300, blank=True)

    class Meta:
        ordering = ["issue", "pk"]
        verbose_name = _("paire épinglée")
        verbose_name_plural = _("paires épinglées")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "here", "there"], name="%(app_label)s_%(class)s_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(here=models.F("there")), name="%(app_label)s_%(class)s_distinct"
            ),
        ]

    def __str__(self):
        return f"{self.here} ↔ {self.there}"

    def clean(self):
        if self.here_id and self.there_id and self.here_id == self.there_id:
            raise ValidationError(_("Une paire relie deux organisations différentes."))
