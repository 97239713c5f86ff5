"""The compact profile the suggestion engine reads: one row per published organisation with
its text already lemmatised, so building the in-process index never runs the lemmatiser."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

# Revisions are summed over the table (suggest/index.py's stamp): 31 bits each keeps the sum
# far from 64-bit overflow at any directory size.
REVISION_BITS = 31


def new_revision() -> int:
    return secrets.randbits(REVISION_BITS)


class OrganisationProfile(models.Model):
    organisation = models.OneToOneField(
        "actors.Organisation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="bridges_profile",
    )
    # Space-separated folded lemmas (passerelles.core.search.text.tokens), one field each so
    # "what one offers" can meet "what the other needs".
    offers = models.TextField(blank=True)
    needs = models.TextField(blank=True)
    about = models.TextField(blank=True)  # name, mission, description
    themes = models.CharField(max_length=500, blank=True)  # theme ids, space-separated
    sdgs = models.CharField(max_length=100, blank=True)  # goal numbers
    countries = models.CharField(max_length=300, blank=True)  # ISO codes, seat abroad included
    locality = models.CharField(max_length=120, blank=True)  # folded locality abroad
    family = models.CharField(max_length=30)
    side = models.CharField(max_length=5)
    department = models.CharField(max_length=3, blank=True)
    is_ess = models.BooleanField(default=False)
    is_si = models.BooleanField(default=False)
    lat = models.FloatField(null=True)
    lon = models.FloatField(null=True)
    projects = models.PositiveIntegerField(default=0)  # track record: number of projects
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # A random number drawn at each write: the index in each process compares (count, sum of
    # revisions) with what it holds, and reloads the rows whose revision it does not know.
    # Unlike a latest update time, the sum moves whatever order concurrent writes commit in.
    revision = models.PositiveIntegerField(default=new_revision)

    class Meta:
        verbose_name = _("profil de suggestion")
        verbose_name_plural = _("profils de suggestion")

    def __str__(self):
        return str(self.organisation_id)
