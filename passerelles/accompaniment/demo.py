"""Demo accompaniment cases (passerelles/core/demo.py): the demo member's organisation is
accompanied on a funding file (shared and private entries, a shared document, a partner and a
call proposed, a next step already late), and a few other organisations here on other kinds,
one of them closed. The demo staff account (equipe@) is in charge of them all."""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.accompaniment import actions
from passerelles.accompaniment.enums import CaseKind, EntryKind
from passerelles.accompaniment.models import Case
from passerelles.actors.enums import Side
from passerelles.actors.models import Organisation
from passerelles.bridges.models import FundingCall
from passerelles.core import door
from passerelles.users.models import Membership, User

STAFF_EMAIL = "equipe@passerelles.example"
MEMBER_EMAIL = "membre@passerelles.example"
OTHER_KINDS = (
    CaseKind.FIRST_CONTACT,
    CaseKind.PROJECT_SETUP,
    CaseKind.PARTNER_SEARCH,
    CaseKind.EVALUATION,
    CaseKind.TRAINING,
)


def _pdf() -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile("budget-previsionnel.pdf", body, content_type="application/pdf")


def build_demo(*, seed: int = 42, size: int | None = None, progress=None) -> dict:
    report = progress or (lambda step, done, total: None)
    rng = random.Random(seed)
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    if staff is None:
        return {"cases": 0}
    today = timezone.localdate()
    with transaction.atomic():
        with door.inside():
            removed, _details = Case.objects.filter(opened_by=staff).delete()
        cases = []
        membership = (
            Membership.objects.filter(user__email=MEMBER_EMAIL)
            .select_related("organisation")
            .first()
        )
        if membership is not None:
            cases.append(_member_case(membership, staff, today))
        others = list(
            Organisation.objects.published()
            .filter(side=Side.HERE)
            .exclude(pk__in=[c.organisation_id for c in cases])
            .order_by("pk")[:40]
        )
        for n, org in enumerate(rng.sample(others, min(len(OTHER_KINDS), len(others)))):
            case = actions.open_case(
                organisation=org,
                kind=OTHER_KINDS[n],
                by=staff,
                next_step=_("Rappeler pour faire le point"),
                next_step_due=today + datetime.timedelta(days=7 * (n - 1)),
            )
            actions.log_entry(
                case,
                kind=EntryKind.APPOINTMENT,
                text=_("Premier rendez-vous au local de l'association : présentation du projet."),
                by=staff,
                happened_on=today - datetime.timedelta(days=20 + n),
                shared=True,
            )
            if n == len(OTHER_KINDS) - 1:
                actions.close_case(case, by=staff, outcome=_("Formation suivie, dossier clos."))
            cases.append(case)
        report("accompaniment", len(cases), len(cases))
    summary = _("%(cases)s dossiers d'accompagnement de démonstration.") % {"cases": len(cases)}
    return {"cases": len(cases), "removed": removed, "summary": summary}


def _member_case(membership, staff, today) -> Case:
    org = membership.organisation
    case = actions.open_case(
        organisation=org,
        kind=CaseKind.FUNDING_FILE,
        by=staff,
        subject=_("Demande de subvention à la Région"),
        next_step=_("Relire le budget prévisionnel avec l'association"),
        next_step_due=today - datetime.timedelta(days=3),
    )
    actions.log_entry(
        case,
        kind=EntryKind.APPOINTMENT,
        text=_(
            "Rendez-vous avec la présidente et le trésorier : le projet est clair, le budget "
            "doit détailler la part du partenaire là-bas."
        ),
        by=staff,
        happened_on=today - datetime.timedelta(days=14),
        shared=True,
    )
    actions.log_entry(
        case,
        kind=EntryKind.NOTE,
        text=_(
            "Note interne : l'association a déjà eu un refus l'an dernier, à accompagner de près."
        ),
        by=staff,
        happened_on=today - datetime.timedelta(days=14),
    )
    actions.member_message(
        case,
        text=_("Merci pour le rendez-vous ! Nous vous envoyons le budget cette semaine."),
        by=membership.user,
    )
    actions.attach_document(case, upload=_pdf(), by=staff, shared=True)
    call = FundingCall.objects.published().order_by("-closes_on", "pk").first()
    if call is not None:
        actions.propose_link(
            case, target=call, by=staff, note=_("Calendrier compatible avec le projet.")
        )
    partner = (
        Organisation.objects.published()
        .exclude(pk=org.pk)
        .filter(side=Side.THERE)
        .order_by("pk")
        .first()
    )
    if partner is not None:
        actions.propose_link(
            case, target=partner, by=staff, note=_("Travaille sur le même territoire.")
        )
    return case
