"""Demo working groups (passerelles/core/demo.py): "Groupe Mali" (public, a country group),
"Groupe ECSI" (public, a theme group) and "Écoles" (members-only), with the demo accounts and
a few people of the demo organisations as members, a meeting each and some news."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.core import door
from passerelles.events.models import Event
from passerelles.geo.models import Country
from passerelles.groups import actions
from passerelles.groups.enums import DigestFrequency, GroupKind, Visibility
from passerelles.groups.models import WorkingGroup
from passerelles.vocab.models import Theme

GROUPS = (
    {
        "slug": "groupe-mali",
        "name": "Groupe Mali",
        "kind": GroupKind.COUNTRY,
        "country": "ML",
        "visibility": Visibility.PUBLIC,
        "summary": "Les associations de la région qui agissent au Mali et leurs partenaires.",
        "description": "<p>Échanges sur la situation, les partenaires et les projets au Mali ; "
        "une réunion par trimestre, en ligne pour les partenaires de là-bas.</p>",
        "meeting": "Réunion trimestrielle du groupe Mali",
    },
    {
        "slug": "groupe-ecsi",
        "name": "Groupe ECSI",
        "kind": GroupKind.THEME,
        "theme": "ecsi",
        "visibility": Visibility.PUBLIC,
        "summary": "Éducation à la citoyenneté et à la solidarité internationale.",
        "description": "<p>Outils, interventions en classe et Festival des Solidarités.</p>",
        "meeting": "Préparation du Festival des Solidarités",
    },
    {
        "slug": "ecoles",
        "name": "Écoles",
        "kind": GroupKind.FREE,
        "visibility": Visibility.MEMBERS_ONLY,
        "summary": "Les partenariats entre écoles d'ici et de là-bas.",
        "description": "<p>Réservé aux enseignant·es et associations engagées dans un "
        "partenariat scolaire.</p>",
        "meeting": "Échange de pratiques entre écoles",
    },
)


def build_demo(*, seed: int = 42, size: int | None = None, progress=None) -> dict:
    User = get_user_model()
    staff = User.objects.filter(email="equipe@passerelles.example").first()
    people = list(
        User.objects.filter(
            is_active=True,
            email__in=(
                "membre@passerelles.example",
                "partenaire@passerelles.example",
            ),
        ).order_by("email")
    )
    organisations = list(Organisation.objects.filter(status=Status.PUBLISHED).order_by("pk")[:6])
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    counts = {"groups": 0, "members": 0, "meetings": 0}
    with transaction.atomic():
        old = WorkingGroup.objects.filter(slug__in=[g["slug"] for g in GROUPS])
        Event.objects.filter(group_meeting__group__in=old).delete()
        with door.inside():
            old.delete()
        for n, spec in enumerate(GROUPS):
            data = {k: spec[k] for k in ("name", "kind", "visibility", "summary", "description")}
            if spec["kind"] == GroupKind.COUNTRY:
                data["country"] = Country.objects.filter(code=spec["country"]).first()
                if data["country"] is None:
                    data["kind"] = GroupKind.FREE
            if spec["kind"] == GroupKind.THEME:
                data["theme"] = Theme.objects.filter(slug=spec["theme"]).first()
                if data["theme"] is None:
                    data["kind"] = GroupKind.FREE
            group = actions.create_group(data, coordinators=[staff] if staff else [])
            # The demo's slugs are fixed, so a second run finds and replaces them.
            with door.inside():
                WorkingGroup.objects.filter(pk=group.pk).update(slug=spec["slug"])
            group.slug = spec["slug"]
            counts["groups"] += 1
            for i, person in enumerate(people):
                organisation = (
                    organisations[(n + i) % len(organisations)] if organisations else None
                )
                membership = actions.add_member(group, person, organisation=organisation)
                actions.set_digest(membership, DigestFrequency.WEEKLY)
                counts["members"] += 1
            starts = now + datetime.timedelta(days=14 + 7 * n, hours=10 - now.hour)
            meeting = actions.plan_meeting(
                group,
                {
                    "title": spec["meeting"],
                    "starts_at": starts,
                    "ends_at": starts + datetime.timedelta(hours=2),
                    "place": "",
                    "online_url": "https://visio.example.org/" + spec["slug"],
                },
            )
            counts["meetings"] += 1
            if staff:
                actions.save_notes(
                    meeting, "<p>Ordre du jour : tour de table, projets en cours.</p>", by=staff
                )
                with door.inside():
                    group.posts.create(
                        author=staff,
                        body="Bienvenue dans le groupe ! La prochaine réunion est en ligne.",
                    )
    counts["summary"] = (
        _(
            "%(groups)s groupes de travail de démonstration (%(members)s membres, "
            "%(meetings)s réunions)."
        )
        % counts
    )
    return counts
