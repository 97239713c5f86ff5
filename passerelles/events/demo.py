"""Demo events, built after the demo organisations (passerelles/core/demo.py contract):
`build_demo(seed=, size=, progress=)` replaces the previous demo events (source "demo") and
returns counts with a translated "summary".

The centrepiece is next spring's regional day, "Journée régionale de la coopération et de
l'ESS": a programme of sessions, about sixty participants from demo organisations (here and
abroad, ESS and international solidarity), their meeting requests drawn by affinity (shared
themes, and the bridge between the two worlds the day is for), 8 slots of 20 minutes and 20
tables. If the scheduler package is there, a 5-second run gives everyone an agenda. Around it,
a full workshop with a waiting list, a training and a Festival des Solidarités relay.
Deterministic: the same seed and the same organisations give the same events."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.events import scheduling
from passerelles.events.enums import EventKind, Priority, RegistrationStatus
from passerelles.events.models import (
    Availability,
    Event,
    MeetingProfile,
    MeetingRequest,
    Registration,
    Session,
    Slot,
    Table,
)
from passerelles.users.models import Membership, User

SOURCE = "demo"
PARIS = ZoneInfo("Europe/Paris")
PARTICIPANTS = 60
FIRST_NAMES = (
    "Awa",
    "Camille",
    "Mamadou",
    "Léa",
    "Youssef",
    "Claire",
    "Ibrahima",
    "Julien",
    "Fatou",
    "Hugo",
    "Aminata",
    "Sophie",
    "Karim",
    "Inès",
    "Moussa",
    "Élise",
    "Oumar",
    "Manon",
    "Salif",
    "Nathalie",
    "Kadiatou",
    "Thomas",
    "Rokia",
    "Pierre",
    "Mariam",
    "Lucie",
    "Boubacar",
    "Anne",
)
LAST_NAMES = (
    "Diallo",
    "Martin",
    "Traoré",
    "Bernard",
    "Koné",
    "Petit",
    "Ouédraogo",
    "Durand",
    "Sow",
    "Leroy",
    "Camara",
    "Moreau",
    "Sanogo",
    "Fournier",
    "Ndiaye",
    "Girard",
    "Coulibaly",
    "Roux",
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def _next_spring(today: date) -> date:
    """The first Thursday of April, next spring."""
    year = today.year if today.month < 3 else today.year + 1
    day = date(year, 4, 1)
    return day + timedelta(days=(3 - day.weekday()) % 7)


def _person(rng: random.Random, used: set) -> tuple[str, str]:
    while True:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if (first, last) not in used:
            used.add((first, last))
            email = f"{first}.{last}".lower()
            for accented, plain in (("é", "e"), ("è", "e"), ("ï", "i"), ("ë", "e")):
                email = email.replace(accented, plain)
            return f"{first} {last}", f"{email}@demo.passerelles.example"


def build_demo(*, seed: int = 42, size: int | None = None, progress=None) -> dict:
    report = progress or (lambda step, done, total: None)
    rng = random.Random(seed)
    with transaction.atomic():
        removed, _details = Event.objects.filter(source=SOURCE).delete()
        organisations = list(
            Organisation.objects.filter(status=Status.PUBLISHED, source=SOURCE)
            .exclude(offers="", needs="")
            .prefetch_related("themes")
            .order_by("pk")[:2000]
        )
        if not organisations:
            organisations = list(
                Organisation.objects.filter(status=Status.PUBLISHED)
                .prefetch_related("themes")
                .order_by("pk")[:2000]
            )
        today = timezone.localdate()
        day = _next_spring(today)
        counts = {"events": 0, "registrations": 0, "requests": 0, "meetings": 0}
        regional = _regional_day(day, rng, organisations, counts, report)
        _workshop(today, rng, organisations, counts)
        _training(today, rng, organisations, counts)
        _festisol(today, counts)
    meetings = _schedule(regional)
    counts["meetings"] = meetings
    counts["summary"] = (
        _(
            "%(events)s événements de démonstration (%(registrations)s inscriptions, "
            "%(requests)s demandes de rencontre, %(meetings)s rencontres planifiées)."
        )
        % counts
    )
    counts["removed"] = removed
    return counts


def _registrations(event, rng, organisations, count, counts, *, status_after=None, used=None):
    used = used if used is not None else set()
    chosen = rng.sample(organisations, min(count, len(organisations)))
    rows = []
    start = event.starts_at - timedelta(days=60)
    for index, organisation in enumerate(chosen):
        name, email = _person(rng, used)
        status = RegistrationStatus.CONFIRMED
        if status_after is not None and index >= status_after:
            status = RegistrationStatus.WAITING
        rows.append(
            Registration(
                event=event,
                name=name,
                email=email,
                organisation=organisation,
                status=status,
                created_at=start + timedelta(hours=7 * index + rng.randint(0, 6)),
                accessibility_needs=rng.choice(
                    [
                        "",
                        "",
                        "",
                        "",
                        "",
                        "Fauteuil roulant",
                        "Repas végétarien",
                        "Boucle magnétique",
                    ]
                ),
            )
        )
    created = Registration.objects.bulk_create(rows)
    counts["registrations"] += len(created)
    return created


def _regional_day(day, rng, organisations, counts, report) -> Event:
    event = Event.objects.create(
        title="Journée régionale de la coopération et de l'ESS",
        slug=f"journee-regionale-{day.year}",
        kind=EventKind.REGIONAL_DAY,
        summary=(
            "Une journée pour que les acteurs de l'économie sociale et solidaire et ceux de la "
            "solidarité internationale se rencontrent, ici et avec leurs partenaires de là-bas."
        ),
        description=(
            "<p>Plénière d'ouverture, ateliers de co-construction et, l'après-midi, des "
            "<strong>rencontres one-to-one</strong> de 20 minutes planifiées d'après vos "
            "demandes.</p><p>Accueil café dès 9 h. Lieu accessible en fauteuil roulant.</p>"
        ),
        starts_at=_at(day, 9),
        ends_at=_at(day, 17, 30),
        place="Halle aux grains",
        address="2 place Jean-Jaurès, 41000 Blois",
        capacity=120,
        is_published=True,
        meetings_enabled=True,
        max_meetings=6,
        source=SOURCE,
    )
    counts["events"] += 1
    sessions = [
        Session(
            event=event,
            title="Plénière : l'ESS et la solidarité internationale, même combat ?",
            starts_at=_at(day, 9, 30),
            ends_at=_at(day, 10, 45),
            room="Grande salle",
        ),
        Session(
            event=event,
            title="Atelier : circuits courts ici et là-bas",
            starts_at=_at(day, 11),
            ends_at=_at(day, 12, 30),
            room="Salle Loire",
            capacity=40,
        ),
        Session(
            event=event,
            title="Atelier : financer un projet de coopération décentralisée",
            starts_at=_at(day, 11),
            ends_at=_at(day, 12, 30),
            room="Salle Cher",
            capacity=40,
        ),
        Session(
            event=event,
            title="Atelier : les OSIM, actrices du développement",
            starts_at=_at(day, 11),
            ends_at=_at(day, 12, 30),
            room="Salle Indre",
            capacity=30,
        ),
        Session(
            event=event,
            title="Rencontres one-to-one",
            starts_at=_at(day, 14),
            ends_at=_at(day, 16, 40),
            room="Grande salle",
        ),
        Session(
            event=event,
            title="Clôture et verre de l'amitié",
            starts_at=_at(day, 16, 50),
            ends_at=_at(day, 17, 30),
            room="Grande salle",
        ),
    ]
    Session.objects.bulk_create(sessions)
    slots = Slot.objects.bulk_create(
        Slot(
            event=event,
            starts_at=_at(day, 14) + timedelta(minutes=20 * i),
            ends_at=_at(day, 14) + timedelta(minutes=20 * (i + 1)),
        )
        for i in range(8)
    )
    tables = Table.objects.bulk_create(
        Table(event=event, label=f"Table {i}", position=i) for i in range(1, 21)
    )
    del tables
    people = _registrations(event, rng, organisations, PARTICIPANTS, counts)
    report("events:registrations", len(people), len(people))
    workshops = sessions[1:4]
    for registration in people:
        registration.sessions.add(sessions[0], rng.choice(workshops), sessions[4])
    _add_demo_member(event, counts)
    people = list(event.registrations.select_related("organisation"))
    MeetingProfile.objects.bulk_create(
        MeetingProfile(
            registration=r,
            offers=r.organisation.offers if r.organisation_id else "",
            seeks=r.organisation.needs if r.organisation_id else "",
            limited_availability=rng.random() < 0.1,
        )
        for r in people
    )
    limited = MeetingProfile.objects.filter(registration__event=event, limited_availability=True)
    Availability.objects.bulk_create(
        Availability(registration_id=profile.registration_id, slot=slot)
        for profile in limited
        for slot in rng.sample(slots, 5)
    )
    _requests(people, rng, counts)
    report("events:requests", counts["requests"], counts["requests"])
    return event


def _add_demo_member(event, counts):
    """The demo member account takes part, so signing in as them shows an agenda."""
    user = User.objects.filter(email="membre@passerelles.example").first()
    if user is None or event.registrations.filter(email=user.email).exists():
        return
    membership = Membership.objects.filter(user=user).select_related("organisation").first()
    Registration.objects.create(
        event=event,
        user=user,
        name=user.full_name or user.email,
        email=user.email,
        organisation=membership.organisation if membership else None,
    )
    counts["registrations"] += 1


def _affinity(a, b, themes) -> float:
    """Shared themes, and a bonus for crossing between ESS and international solidarity or
    between here and there: the bridges the day is organised for."""
    if a.organisation_id is None or b.organisation_id is None:
        return 0.5
    oa, ob = a.organisation, b.organisation
    score = 1.0 + 2.0 * len(themes[a.pk] & themes[b.pk])
    if (oa.is_ess and ob.is_si and not oa.is_si) or (oa.is_si and ob.is_ess and not ob.is_si):
        score += 2.0
    if oa.side != ob.side:
        score += 1.5
    return score


def _requests(people, rng, counts):
    themes = {
        r.pk: {t.pk for t in r.organisation.themes.all()} if r.organisation_id else set()
        for r in people
    }
    # A few popular participants (a funder, a well-known network) attract many requests.
    popularity = {r.pk: rng.choice([1, 1, 1, 1, 2, 4]) for r in people}
    rows, seen = [], set()
    for person in people:
        others = [r for r in people if r.pk != person.pk]
        weights = [_affinity(person, r, themes) * popularity[r.pk] for r in others]
        wanted = rng.randint(2, 7)
        chosen = set()
        while len(chosen) < min(wanted, len(others)):
            chosen.add(rng.choices(others, weights=weights)[0].pk)
        for target in sorted(chosen):
            priority = Priority.MUST if rng.random() < 0.25 else Priority.WISH
            rows.append(MeetingRequest(requester=person, target_id=target, priority=priority))
            seen.add((person.pk, target))
    # Some requests are answered in kind (mutual), a few with "no thanks".
    for request in list(rows):
        back = (request.target_id, request.requester_id)
        if back in seen:
            continue
        draw = rng.random()
        if draw < 0.3:
            rows.append(
                MeetingRequest(requester_id=back[0], target_id=back[1], priority=Priority.WISH)
            )
            seen.add(back)
        elif draw > 0.97:
            rows.append(
                MeetingRequest(requester_id=back[0], target_id=back[1], priority=Priority.NO)
            )
            seen.add(back)
    MeetingRequest.objects.bulk_create(rows)
    counts["requests"] += len(rows)


def _workshop(today, rng, organisations, counts):
    day = today + timedelta(days=24)
    event = Event.objects.create(
        title="Atelier : monter un projet de coopération décentralisée",
        slug=f"atelier-cooperation-decentralisee-{day:%Y-%m}",
        kind=EventKind.WORKSHOP,
        summary=(
            "Trois heures pour passer de l'idée au dossier, avec des collectivités qui l'ont fait."
        ),
        description="<p>Atelier pratique : partenaires, budget, cofinancements.</p>",
        starts_at=_at(day, 14),
        ends_at=_at(day, 17),
        place="Maison des associations",
        address="1 rue Émile-Zola, 45000 Orléans",
        capacity=20,
        is_published=True,
        source=SOURCE,
    )
    counts["events"] += 1
    # Full, with three people waiting: the waiting list is visible in the demo.
    _registrations(event, rng, organisations, 23, counts, status_after=20)


def _training(today, rng, organisations, counts):
    day = today + timedelta(days=45)
    event = Event.objects.create(
        title="Formation ECSI : animer un débat sur les objectifs de développement durable",
        slug=f"formation-ecsi-odd-{day:%Y-%m}",
        kind=EventKind.TRAINING,
        summary=(
            "Une journée de formation à l'éducation à la citoyenneté et à la solidarité "
            "internationale."
        ),
        starts_at=_at(day, 9, 30),
        ends_at=_at(day, 16, 30),
        place="Centre social Les Rives",
        address="12 avenue de Grammont, 37000 Tours",
        capacity=15,
        registration_closes_at=_at(day - timedelta(days=3), 12),
        is_published=True,
        source=SOURCE,
    )
    counts["events"] += 1
    Session.objects.bulk_create(
        [
            Session(
                event=event,
                title="Les ODD en jeu",
                starts_at=_at(day, 9, 30),
                ends_at=_at(day, 12, 30),
                room="Salle 2",
            ),
            Session(
                event=event,
                title="Mise en situation",
                starts_at=_at(day, 13, 30),
                ends_at=_at(day, 16, 30),
                room="Salle 2",
            ),
        ]
    )
    _registrations(event, rng, organisations, 9, counts)


def _festisol(today, counts):
    year = today.year if today.month < 11 else today.year + 1
    day = date(year, 11, 14)
    Event.objects.create(
        title="Relais du Festival des Solidarités : soirée ciné-débat",
        slug=f"festisol-cine-debat-{year}",
        kind=EventKind.FESTISOL,
        summary=(
            "Projection d'un documentaire sur l'agroécologie au Burkina Faso, suivie d'un débat."
        ),
        starts_at=_at(day, 20),
        ends_at=_at(day, 22, 30),
        place="Cinéma Les Carmes",
        address="7 rue des Carmes, 45000 Orléans",
        capacity=None,
        is_published=True,
        source=SOURCE,
    )
    counts["events"] += 1


def _schedule(event) -> int:
    """A 5-second run of the scheduler when the package is there, so agendas are not empty."""
    try:
        run = scheduling.run(event, time_limit=5.0)
    except scheduling.SchedulingError:
        return 0
    return run.summary["meetings"]
