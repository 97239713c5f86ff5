"""Demo co-construction spaces on demo projects (DESIGN §4 demo dataset).

One space tells a whole story: statements rated by every college, a first version met by an
objection from a partner abroad, the partner's amendment integrated and adopted by consent,
actions led from here and from there, contributions both ways, and a new round in progress.
A second space (when a second project is available) is at the statements stage. The demo
accounts membre@ and partenaire@passerelles.example act for member organisations."""

import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from passerelles.actors.demo.texts import contract
from passerelles.actors.enums import Family, Status
from passerelles.actors.models import Organisation
from passerelles.cooperation import services
from passerelles.cooperation.enums import Answer, MemberRole, MemberStatus, Vote
from passerelles.cooperation.models import College, CollegeTemplate, CooperationSpace, SpaceMember
from passerelles.cooperation.notifications import without_mail
from passerelles.core.history import ChangeSource, Origin
from passerelles.projects.actions import create_project
from passerelles.projects.models import Project
from passerelles.users.models import Membership, User

SOURCE = "demo"
MEMBER_EMAIL = "membre@passerelles.example"
PARTNER_EMAIL = "partenaire@passerelles.example"

STATEMENTS = [
    "Nous voulons que les paysannes et paysans restent maîtres de leurs semences.",
    "Les savoirs de là-bas valent autant que ceux d'ici.",
    "Les décisions se prennent dans la langue de chacun·e.",
    "Le projet doit d'abord servir l'exportation.",
]
PURPOSE_V1 = (
    "Ensemble, ici et là-bas, nous faisons vivre des semences paysannes libres et adaptées "
    "aux climats qui changent."
)
PURPOSE_V2 = (
    "Ensemble, ici et là-bas, paysannes et paysans font vivre des semences libres et "
    "adaptées aux climats qui changent, et partagent les savoirs qui vont avec."
)
OBJECTIVES = [
    "Ouvrir deux maisons de semences, une dans chaque territoire",
    "Former 40 paysannes et paysans à la sélection participative",
    "Échanger chaque année une délégation dans chaque sens",
]


def build_demo(*, seed: int = 42, size: int | None = None, progress=None) -> dict:
    report = progress or (lambda step, done, total: None)
    rng = random.Random(seed)
    with transaction.atomic(), without_mail():
        removed, _details = CooperationSpace.objects.filter(source=SOURCE).delete()
        projects = _projects(2 if (size is None or size >= 50) else 1, _partner_country())
        spaces = []
        for n, project in enumerate(projects):
            report("cooperation", n, len(projects))
            spaces.append(_space(project, rng, full=(n == 0)))
        report("cooperation", len(projects), len(projects))
    summary = _(
        "%(spaces)s espaces de co-construction de démonstration (raison d'être adoptée, tour "
        "de consentement en cours, contributions dans les deux sens)."
    ) % {"spaces": len(spaces)}
    return {"spaces": len(spaces), "removed": removed, "summary": summary}


def _partner_country() -> str:
    """The country of the demo partner account's organisation: the first space is in it, so
    that account takes part in a space whose partners are its neighbours."""
    org = Organisation.objects.filter(memberships__user__email=PARTNER_EMAIL).first()
    return org.country_id if org else ""


def space_countries(project) -> set[str]:
    """The countries a space works in: its project's places there and partners' countries."""
    places = project.places.filter(side="there").values_list("country_id", flat=True)
    partners = project.participations.filter(organisation__side="there").values_list(
        "organisation__country_id", flat=True
    )
    return (set(places) | set(partners)) - {None, "", "FR"}


def _projects(count: int, country: str = "") -> list[Project]:
    """Published projects with a lead here and a partner there, without a space yet; the
    first one in `country` when there is one."""
    # Farming projects first: the demo's purpose speaks of peasant seeds.
    farming = (
        Q(title__icontains="semence")
        | Q(title__icontains="agro")
        | Q(title__icontains="paysan")
        | Q(title__icontains="maraîch")
        | Q(title__icontains="agricol")
    )
    candidates = (
        Project.objects.published()
        .filter(
            cooperation_space__isnull=True,
            participations__role="lead",
            participations__organisation__side="here",
        )
        .filter(participations__organisation__side="there")
        .distinct()
    )
    # Projects whose countries have partners enough for a space (a third of its members from
    # there), farming first, the first one in `country` when there is one.
    farming_ids = set(candidates.filter(farming).values_list("pk", flat=True))
    in_country = set()
    if country:
        in_country = set(
            candidates.filter(
                Q(places__country_id=country) | Q(participations__organisation__country_id=country)
            ).values_list("pk", flat=True)
        )
    ordered = sorted(
        candidates.order_by("pk")[:400],
        key=lambda p: (p.pk not in in_country, p.pk not in farming_ids, p.pk),
    )
    projects = [p for p in ordered if _partners_available(p) >= PARTNERS_NEEDED][:count]
    projects = projects or ordered[:count]  # a tiny demo (--size 30): whatever there is
    if not projects:
        lead = _orgs(Q(family=Family.SI_ASSOCIATION), 1, side="here")
        partner = _orgs(Q(), 1, side="there")
        if not lead or not partner:
            return []
        # Through the projects' door, like every project (history, indexes).
        project = create_project(
            {
                "title": "Semences paysannes entre Loire et Yatenga",
                "source": SOURCE,
                "source_id": "demo--cooperation-1",
                "summary": "Des maisons de semences ici et là-bas.",
                "project_status": "co_construction",
                "participations": [
                    {"organisation": lead[0], "role": "lead"},
                    {"organisation": partner[0], "role": "partner_there"},
                ],
            },
            origin=Origin(None, ChangeSource.DEMO, "Démonstration"),
        )
        projects = [project]
    return projects


# Partners there a space needs beside its lead's partner (a third of five or six members).
PARTNERS_NEEDED = 2


def _partners_available(project) -> int:
    return Organisation.objects.filter(
        status=Status.PUBLISHED, side="there", country_id__in=space_countries(project)
    ).count()


def _orgs(condition, count, side, exclude=()):
    return list(
        Organisation.objects.filter(condition, status=Status.PUBLISHED, side=side)
        .exclude(pk__in=list(exclude))
        .order_by("pk")[:count]
    )


def _space(project, rng, full: bool):
    lead_org = project.participations.filter(role="lead").select_related("organisation")
    lead_org = lead_org.first().organisation
    member_user = User.objects.filter(email=MEMBER_EMAIL).first()
    partner_user = User.objects.filter(email=PARTNER_EMAIL).first()
    space = CooperationSpace.objects.create(
        project=project, source=SOURCE, public_members=True, public_indicators=True
    )
    templates = {t.name: t for t in CollegeTemplate.objects.all()}
    colleges = {}
    for order, (name, required) in enumerate(
        [
            ("Associations", False),
            ("Organisations paysannes", True),
            ("Recherche", False),
            ("Partenaires là-bas", True),
        ]
    ):
        colleges[name] = College.objects.create(
            space=space,
            name=name,
            template=templates.get(name),
            required=required,
            order=order,
            quorum=50,
        )
    used = {lead_org.pk}
    # Partners abroad come from the countries the project works in (not a Vietnamese project
    # with partners from West Africa).
    countries = space_countries(project)
    members = [_member(space, lead_org, colleges["Associations"], MemberRole.LEAD)]
    # The demo accounts' organisations take part (the member's may be the lead itself).
    for user, college in ((member_user, "Associations"), (partner_user, "Partenaires là-bas")):
        if user is None:
            continue
        org = Organisation.objects.filter(memberships__user=user).first()
        if org is not None and org.side == "there" and org.country_id not in countries:
            continue
        if org is not None and org.pk not in used:
            wanted = "Partenaires là-bas" if org.side == "there" else college
            members.append(_member(space, org, colleges[wanted]))
            used.add(org.pk)
    for org in _orgs(Q(family=Family.PEASANT_ORG), 2, "here", used):
        members.append(_member(space, org, colleges["Organisations paysannes"]))
        used.add(org.pk)
    for org in _orgs(Q(family=Family.UNIVERSITY), 1, "here", used):
        members.append(_member(space, org, colleges["Recherche"]))
        used.add(org.pk)
    here = sum(m.side == "here" for m in members)
    # Partners are recognised by their side, whatever their family (a commune, a union…).
    wanted = max(2, (here + 1) // 2)
    partners = _orgs(Q(country_id__in=countries), wanted, "there", used)
    if sum(m.side == "there" for m in members) + len(partners) < PARTNERS_NEEDED:
        # Only in a tiny demo, with too few partners in these countries for a valid space.
        partners += _orgs(Q(), wanted - len(partners), "there", used | {o.pk for o in partners})
    for org in partners:
        members.append(_member(space, org, colleges["Partenaires là-bas"]))
        used.add(org.pk)
    lead = members[0]
    lead_user = _user_for(lead) or member_user
    voters = [m for m in members if m.can_vote]
    there = [m for m in voters if m.side == "there"]
    services.log(
        space,
        "space_opened",
        _("Espace ouvert par %(org)s.") % {"org": lead},
        user=lead_user,
        member=lead,
    )
    # Statements, rated by every member.
    for n, text in enumerate(STATEMENTS):
        statement = services.write_statement(space, voters[n % len(voters)], text, lead_user)
        for m in voters:
            if n == 3:  # the colleges diverge on export
                vote = Vote.AGREE if m.side == "here" and rng.random() < 0.8 else Vote.DISAGREE
            else:
                vote = rng.choice([Vote.AGREE] * 5 + [Vote.PASS])
            services.rate_statement(statement, m, vote, _user_for(m))
    if not full:
        return space
    # A first version; a partner abroad objects, amends; the amendment is adopted.
    partner = next((m for m in there if _user_for(m) == partner_user), there[0])
    v1 = services.new_version(space, PURPOSE_V1, OBJECTIVES, lead_user, member=lead)
    first = services.open_round(v1, lead_user, member=lead)
    services.answer(first, lead, Answer.CONSENT, "", lead_user)
    services.answer(
        first,
        partner,
        Answer.OBJECTION,
        "Le texte parle de semences mais oublie les paysannes et les savoirs.",
        _user_for(partner),
    )
    services.close_round(first, lead_user, member=lead)
    amendment = services.propose_amendment(
        v1,
        partner,
        PURPOSE_V2,
        OBJECTIVES,
        "Nommer les paysannes et les savoirs partagés.",
        _user_for(partner),
    )
    v2 = services.accept_amendment(amendment, lead_user, member=lead)
    second = services.open_round(v2, lead_user, member=lead)
    for m in voters:
        answer = Answer.ABSTENTION if m.college.name == "Recherche" else Answer.CONSENT
        services.answer(second, m, answer, "", _user_for(m))
    services.close_round(second, lead_user, member=lead)
    space.refresh_from_db()
    # Actions, one led from there.
    town = lead_org.commune.name if lead_org.commune_id else "Blois"
    services.add_action(space, lead, lead, 0, contract(f"Maison de semences de {town}"), lead_user)
    services.add_action(
        space, partner, partner, 1, "Ateliers de sélection participative", _user_for(partner)
    )
    # Contributions both ways, money and otherwise.
    flows = [
        (lead, partner, "money", "6000", "Cofinancement de la maison de semences", ""),
        (
            partner,
            lead,
            "knowledge",
            "1500",
            "Techniques de conservation en jarres",
            "Conserver sans électricité, à l'abri des charançons.",
        ),
        (partner, lead, "hosting", "800", contract(f"Accueil de la délégation de {town}"), ""),
        (lead, partner, "training", "2000", "Formation à la sélection participative", ""),
        (
            partner,
            lead,
            "money",
            "1500",
            "Apport local à la maison de semences",
            "Une caisse villageoise finance mieux qu'une subvention ce qui dure.",
        ),
    ]
    for giver, receiver, kind, value, what, learned in flows:
        services.add_contribution(
            space,
            giver,
            giver,
            receiver,
            kind,
            Decimal(value),
            what,
            _user_for(giver),
            learned=learned,
        )
    # A new version under discussion, with a round in progress.
    v3 = services.new_version(
        space,
        PURPOSE_V2 + " Les décisions se prennent dans la langue de chacun·e.",
        OBJECTIVES,
        lead_user,
        member=lead,
        parent=v2,
        note="Ajout : la langue de chacun·e.",
    )
    third = services.open_round(v3, lead_user, member=lead)
    services.answer(third, lead, Answer.CONSENT, "", lead_user)
    return space


def _member(space, org, college, role=MemberRole.MEMBER):
    return SpaceMember.objects.create(
        space=space, organisation=org, college=college, role=role, status=MemberStatus.ACTIVE
    )


def _user_for(member):
    m = Membership.objects.filter(organisation_id=member.organisation_id).select_related("user")
    m = m.first()
    return m.user if m else None
