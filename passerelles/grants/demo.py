"""Demo small-grant rounds (passerelles/core/demo.py contract): one open round, and one decided
round with its applications, scores, winners and published results. Replaces the previous
demo rounds (their funding calls' source is "grants-demo")."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.enums import Family, Status
from passerelles.actors.models import Organisation
from passerelles.bridges.models import FundingCall
from passerelles.grants import actions
from passerelles.users.enums import NetworkRole
from passerelles.users.models import User

SOURCE = "grants-demo"
CRITERIA = [
    ("Qualité et équilibre du partenariat", 3),
    ("Implication des jeunes", 2),
    ("Faisabilité et budget", 1),
]
PROJECTS = [
    "Jardins scolaires partagés",
    "Radio communautaire des jeunes",
    "Échanges de pratiques en maraîchage",
    "Atelier vélo solidaire",
]


def build_demo(*, seed: int = 42, size: int | None = None, progress=None) -> dict:
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        removed, _details = FundingCall.objects.filter(source=SOURCE).delete()
        here = list(
            Organisation.objects.filter(status=Status.PUBLISHED, side="here")
            .filter(family__in=[Family.SI_ASSOCIATION, Family.DIASPORA])
            .order_by("pk")[:40]
        )
        there = list(Organisation.objects.filter(status=Status.PUBLISHED, side="there")[:40])
        jurors = list(User.objects.filter(role=NetworkRole.STAFF, is_active=True)[:3])
        common = {
            "budget": Decimal(15000),
            "eligible_families": [Family.SI_ASSOCIATION, Family.DIASPORA],
            "amount_max": Decimal(5000),
            "min_cofunding": 20,
            "criteria": CRITERIA,
            "jurors": jurors,
            "source": SOURCE,
        }
        actions.create_round(
            title=_("Petites subventions jeunesse et solidarité %(year)s") % {"year": now.year},
            description=_("Pour les projets portés par des jeunes avec un partenaire là-bas."),
            deadline=now + datetime.timedelta(days=45),
            **common,
        )
        past = actions.create_round(
            title=_("Petites subventions jeunesse et solidarité %(year)s") % {"year": now.year - 1},
            deadline=now + datetime.timedelta(days=1),
            **common,
        )
        count = 0
        if here and there:
            applications = []
            for title in PROJECTS:
                org, partner = rng.choice(here), rng.choice(there)
                grant = Decimal(rng.choice([2000, 3000, 4000]))
                app = actions.save_draft(
                    None,
                    {
                        "title": title,
                        "summary": title,
                        "partner": partner,
                        "partner_role": _("Animation locale"),
                        "partner_contribution": _("Locaux et bénévoles"),
                    },
                    [
                        {"label": _("Matériel"), "amount": grant, "funder": "grant"},
                        {"label": _("Fonds propres"), "amount": grant / 2, "funder": "own"},
                    ],
                    grant_round=past,
                    organisation=org,
                )
                actions.submit(app)
                applications.append(app)
            for juror in jurors:
                for app in applications:
                    if not actions.perms.scoring_refusal(juror, app):
                        values = {c.pk: rng.randint(2, 5) for c in past.criteria.all()}
                        actions.score(app, juror, values)
            for app in applications[:3]:
                actions.decide(app, amount=app.requested())
            count = len(applications)
        # The past round's deadline is moved back once its applications are in.
        past.deadline = now - datetime.timedelta(days=60)
        with actions.door.inside():
            past.save(update_fields=["deadline"])
        actions.publish_results(past)
    return {
        "rounds": 2,
        "applications": count,
        "removed": removed,
        "summary": _("2 appels à petites subventions de démonstration (%(n)s candidatures).")
        % {"n": count},
    }
