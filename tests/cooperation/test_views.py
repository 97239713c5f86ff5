"""The pages of a space: what each role sees and may do, the consent page's weight, the
decision log export, notifications."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from passerelles.cooperation import services
from passerelles.cooperation.enums import Answer, LogKind, MemberStatus, RoundStatus
from passerelles.cooperation.models import (
    Action,
    ConsentRound,
    Contribution,
    CooperationSpace,
    DecisionLogEntry,
    Notification,
    Response,
    Statement,
)
from passerelles.cooperation.views.ledger import csv_safe
from tests.actors.factories import OrganisationFactory
from tests.cooperation.factories import OBJECTIVES, PURPOSE, adopted, first_version, world
from tests.users.factories import (
    AdminFactory,
    MembershipFactory,
    PartnerAbroadFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def url(name, w, **kwargs):
    return reverse(f"cooperation:{name}", kwargs={"slug": w.space.project.slug, **kwargs})


@pytest.fixture
def w():
    return world()


def people(w):
    """Every role: a visitor, an outsider member, an outsider partner abroad, staff, admin,
    and the space's own people (member here, partner abroad there, lead)."""
    return {
        "visitor": None,
        "outsider": UserFactory(),
        "outsider_abroad": PartnerAbroadFactory(),
        "staff": StaffFactory(),
        "admin": AdminFactory(),
        "member": w.member_user,
        "partner": w.partner_user,
        "lead": w.lead_user,
    }


def as_(client, user):
    if user is not None:
        client.force_login(user)
    return client


# -- reading ------------------------------------------------------------------------------


def test_visitors_see_only_what_the_space_makes_public(client, w):
    adopted(w)
    services.write_statement(w.space, w.member, "Un énoncé interne", w.member_user)
    page = client.get(url("space", w)).content.decode()
    assert PURPOSE in page
    assert "Un énoncé interne" not in page
    assert "Lycée agricole" not in page  # members are not public by default
    w.space.public_purpose = False
    w.space.public_members = True
    w.space.save()
    page = client.get(url("space", w)).content.decode()
    assert PURPOSE not in page and "Lycée agricole" in page
    for name in ("purpose", "log", "log_csv"):
        assert client.get(url(name, w)).status_code == 302  # to log in


@pytest.mark.parametrize("role", ["staff", "admin", "member", "partner", "lead"])
def test_staff_and_members_read_the_whole_space(client, w, role):
    first_version(w)
    services.write_statement(w.space, w.member, "Un énoncé interne", w.member_user)
    as_(client, people(w)[role])
    page = client.get(url("space", w)).content.decode()
    assert "Un énoncé interne" in page
    assert "Composition et règles" in page
    assert client.get(url("purpose", w)).status_code == 200
    assert client.get(url("log", w)).status_code == 200


def test_staff_read_but_do_not_act(client, w):
    as_(client, StaffFactory())
    page = client.get(url("space", w)).content.decode()
    assert "Vous lisez cet espace sans y prendre part." in page
    assert "Ajouter l'énoncé" not in page


def test_the_space_page_has_a_bounded_number_of_queries(client, w, django_assert_max_num_queries):
    adopted(w)
    for n in range(5):
        s = services.write_statement(w.space, w.member, f"Énoncé {n}", w.member_user)
        services.rate_statement(s, w.partner, "agree", w.partner_user)
        services.add_contribution(w.space, w.lead, w.lead, w.partner, "money", 10, "x", w.lead_user)
        services.add_action(w.space, w.partner, w.partner, 0, f"Action {n}", w.partner_user)
    as_(client, w.member_user)
    with django_assert_max_num_queries(30):
        assert client.get(url("space", w)).status_code == 200


# -- acting: every view that changes data, for every role ---------------------------------

ROLES = ["visitor", "outsider", "outsider_abroad", "staff", "admin", "member", "partner"]
ALLOWED_TO_TAKE_PART = {"member", "partner"}


def _post(client, w, name, data, **kwargs):
    return client.post(url(name, w, **kwargs), data)


@pytest.mark.parametrize("role", ROLES)
def test_writing_a_statement(client, w, role):
    user = people(w)[role]
    member = {"member": w.member, "partner": w.partner}.get(role)
    response = _post(
        as_(client, user),
        w,
        "statement_create",
        {"text": "Nous voulons des semences libres", "member": member.pk if member else ""},
    )
    created = Statement.objects.filter(space=w.space).exists()
    assert created == (role in ALLOWED_TO_TAKE_PART)
    if role == "visitor":
        assert response.status_code == 302 and "/compte/" in response["Location"]
    elif role not in ALLOWED_TO_TAKE_PART:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_answering_a_round(client, w, role):
    version = first_version(w)
    rnd = services.open_round(version, w.lead_user)
    user = people(w)[role]
    member = {"member": w.member, "partner": w.partner}.get(role)
    response = _post(
        as_(client, user),
        w,
        "round",
        {"answer": "consent", "reason": "", "member": member.pk if member else ""},
        pk=rnd.pk,
    )
    assert Response.objects.filter(round=rnd).exists() == (role in ALLOWED_TO_TAKE_PART)
    if role not in ALLOWED_TO_TAKE_PART and role != "visitor":
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_proposing_an_amendment(client, w, role):
    version = first_version(w)
    user = people(w)[role]
    member = {"member": w.member, "partner": w.partner}.get(role)
    _post(
        as_(client, user),
        w,
        "amend",
        {
            "text": "Autre texte",
            "objectives": "Un\nDeux",
            "rationale": "",
            "member": member.pk if member else "",
        },
        number=version.number,
    )
    assert version.amendments.exists() == (role in ALLOWED_TO_TAKE_PART)


@pytest.mark.parametrize("role", ROLES)
def test_recording_a_contribution(client, w, role):
    user = people(w)[role]
    member = {"member": w.member, "partner": w.partner}.get(role)
    other = w.lead
    _post(
        as_(client, user),
        w,
        "contribution_create",
        {
            "member": member.pk if member else "",
            "giver": member.pk if member else other.pk,
            "receiver": other.pk,
            "kind": "knowledge",
            "value_eur": "0",
            "description": "Savoir-faire",
            "learned": "",
            "given_on": "",
        },
    )
    assert Contribution.objects.exists() == (role in ALLOWED_TO_TAKE_PART)


@pytest.mark.parametrize("role", [*ROLES, "lead"])
def test_leading_steps_belong_to_the_lead(client, w, role):
    """Inviting, writing a version, opening and closing a round: the lead's members only."""
    user = people(w)[role]
    client = as_(client, user)
    _post(
        client,
        w,
        "version_create",
        {"text": PURPOSE, "objectives": "\n".join(OBJECTIVES), "note": "", "member": w.lead.pk},
    )
    assert w.space.versions.exists() == (role == "lead")
    version = w.space.versions.first() or first_version(w)
    _post(client, w, "open_round", {}, number=version.number)
    assert ConsentRound.objects.exists() == (role == "lead")
    if role != "lead":
        return
    rnd = ConsentRound.objects.get()
    for m, u in ((w.lead, w.lead_user), (w.partner, w.partner_user)):
        services.answer(rnd, m, Answer.CONSENT, "", u)
    _post(client, w, "round_close", {}, pk=rnd.pk)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.PASSED


@pytest.mark.parametrize("role", ROLES)
def test_others_cannot_close_a_round(client, w, role):
    rnd = services.open_round(first_version(w), w.lead_user)
    _post(as_(client, people(w)[role]), w, "round_close", {}, pk=rnd.pk)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.OPEN


def test_observers_read_but_never_act(client, w):
    from tests.cooperation.factories import MemberFactory, person_for

    observer = MemberFactory(college=w.here, role="observer")
    user = person_for(observer)
    client.force_login(user)
    assert client.get(url("space", w)).status_code == 200
    response = _post(client, w, "statement_create", {"text": "x", "member": observer.pk})
    assert response.status_code == 403 and not Statement.objects.exists()


# -- workflow through the pages -----------------------------------------------------------


def test_an_objection_without_reason_is_refused_with_a_message(client, w):
    rnd = services.open_round(first_version(w), w.lead_user)
    client.force_login(w.partner_user)
    response = _post(
        client, w, "round", {"answer": "objection", "reason": "", "member": w.partner.pk}, pk=rnd.pk
    )
    assert response.status_code == 200
    assert "Une objection doit être motivée" in response.content.decode()
    assert not Response.objects.exists()


def test_actions_page_says_why_it_is_locked(client, w):
    first_version(w)
    client.force_login(w.partner_user)
    response = client.get(url("action_create", w))
    assert response.status_code == 409
    assert "quand une version aura été adoptée par consentement" in response.content.decode()
    assert not Action.objects.exists()


def test_a_member_adds_an_action_once_the_purpose_is_adopted(client, w):
    adopted(w)
    client.force_login(w.partner_user)
    response = _post(
        client,
        w,
        "action_create",
        {
            "member": w.partner.pk,
            "objective": "1",
            "title": "Formation à Ouahigouya",
            "description": "",
            "lead": w.partner.pk,
            "due_on": "",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.objective, action.lead) == (OBJECTIVES[1], w.partner)


def test_the_lead_invites_an_organisation_from_the_directory(client, w):
    from tests.actors.factories import AbroadOrganisationFactory

    org = AbroadOrganisationFactory(name="Coopérative de Kayes")
    client.force_login(w.lead_user)
    page = client.get(url("invite", w) + "?q=kayes").content.decode()
    assert "Coopérative de Kayes" in page
    client.post(
        url("invite", w) + "?q=kayes",
        {"organisation": org.pk, "college": w.there.pk, "role": "member"},
    )
    member = w.space.members.get(organisation=org)
    assert (member.status, member.side) == (MemberStatus.INVITED, "there")


def test_opening_a_space_from_the_project(client):
    from tests.actors.factories import OrganisationFactory
    from tests.projects.factories import linked_project
    from tests.users.factories import MembershipFactory

    lead = OrganisationFactory()
    project = linked_project(lead=lead)
    user = MembershipFactory(organisation=lead).user
    other = UserFactory()
    open_url = reverse("cooperation:open", kwargs={"project_slug": project.slug})
    client.force_login(other)
    assert client.get(open_url).status_code == 403
    client.force_login(user)
    from passerelles.cooperation.models import CollegeTemplate

    templates = list(CollegeTemplate.objects.filter(required_by_default=True))
    response = client.post(
        open_url,
        {
            "lead_organisation": lead.pk,
            "templates": [t.pk for t in templates],
            "lead_college": templates[0].pk,
            "min_there_percent": 33,
        },
    )
    assert response.status_code == 302
    space = CooperationSpace.objects.get(project=project)
    assert space.members.get().role == "lead"
    assert space.colleges.count() == len(templates)


# -- consent page: light and without JavaScript -------------------------------------------


def test_the_consent_page_weighs_at_most_60_kb_with_its_css_and_has_no_script(client, w):
    rnd = services.open_round(first_version(w), w.lead_user)
    for m, u in ((w.lead, w.lead_user), (w.member, w.member_user)):
        services.answer(rnd, m, Answer.CONSENT, "", u)
    services.answer(
        rnd, w.partner, Answer.OBJECTION, "Les femmes sont absentes. " * 20, w.partner_user
    )
    client.force_login(w.partner_user)
    html = client.get(url("round", w, pk=rnd.pk)).content
    static = Path(settings.BASE_DIR) / "passerelles"
    css = (static / "core/static/core/passerelles.css").read_bytes() + (
        static / "cooperation/static/cooperation/cooperation.css"
    ).read_bytes()
    assert len(html) + len(css) <= 60 * 1024, (len(html), len(css))
    # Works without JavaScript: a plain form posting to the page; no script of its own.
    text = html.decode()
    assert '<form method="post" action="' + url("round", w, pk=rnd.pk) in text
    assert 'type="radio"' in text and "<script src" not in text


# -- decision log -------------------------------------------------------------------------


def test_the_log_of_a_finished_round_exported_as_csv_lists_every_step_in_order(client, w):
    version = first_version(w)
    rnd = services.open_round(version, w.lead_user, member=w.lead)
    services.answer(rnd, w.partner, Answer.OBJECTION, '=HYPERLINK("x")', w.partner_user)
    services.answer(rnd, w.partner, Answer.WITHDRAWN, "", w.partner_user)
    services.answer(rnd, w.lead, Answer.CONSENT, "", w.lead_user)
    services.answer(rnd, w.member, Answer.ABSTENTION, "", w.member_user)
    services.close_round(rnd, w.lead_user, member=w.lead)
    client.force_login(w.member_user)
    response = client.get(url("log_csv", w))
    assert response["Content-Type"].startswith("text/csv")
    # The site's one CSV convention (core.csvfiles): a BOM, then `;` between cells.
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").splitlines()[0].startswith("n°;date;étape;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["n°", "date", "étape"]
    steps = [(r[2], r[4]) for r in rows[1:]]
    assert steps == [
        ("nouvelle version de la raison d'être", "Terres Solidaires Blois"),
        ("tour de consentement ouvert", "Terres Solidaires Blois"),
        ("réponse au tour", "Union paysanne du Yatenga"),
        ("réponse au tour", "Union paysanne du Yatenga"),
        ("réponse au tour", "Terres Solidaires Blois"),
        ("réponse au tour", "Lycée agricole"),
        ("tour de consentement clos", "Terres Solidaires Blois"),
        ("raison d'être adoptée", "Terres Solidaires Blois"),
    ]
    assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, 9)]
    dates = [r[1] for r in rows[1:]]
    assert dates == sorted(dates)
    # The objection's reason cannot run as a formula in a spreadsheet.
    assert "objection" in rows[3][7] and "=HYPERLINK" in rows[3][7]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert DecisionLogEntry.objects.filter(space=w.space, kind=LogKind.ADOPTION).exists()


def test_csv_cells_are_safe_against_formula_injection():
    assert csv_safe("=1+1") == "'=1+1"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("-2") == "'-2"
    assert csv_safe("Texte") == "Texte"


# -- notifications ------------------------------------------------------------------------


def test_members_are_told_by_mail_and_inbox(client, w, django_capture_on_commit_callbacks):
    version = first_version(w)
    with django_capture_on_commit_callbacks(execute=True):
        rnd = services.open_round(version, w.lead_user)
    assert len(mail.outbox) == 3  # one person per member organisation
    assert "Un tour de consentement est ouvert" in mail.outbox[0].subject
    assert url("round", w, pk=rnd.pk) in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(rnd, w.partner, Answer.OBJECTION, "Il manque les femmes", w.partner_user)
    assert [m.subject for m in mail.outbox][0].startswith("Union paysanne du Yatenga objecte")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer(rnd, w.partner, Answer.WITHDRAWN, "", w.partner_user)
        for m, u in ((w.lead, w.lead_user), (w.member, w.member_user)):
            services.answer(rnd, m, Answer.CONSENT, "", u)
        services.close_round(rnd, w.lead_user)
    subjects = sorted({m.subject for m in mail.outbox})
    assert any("est clos" in s for s in subjects) and any("est adoptée" in s for s in subjects)
    # The inbox lists them; reading one marks it read and leads to the page.
    client.force_login(w.partner_user)
    page = client.get(reverse("cooperation:inbox")).content.decode()
    assert "4 non lues" in page
    first = Notification.objects.filter(user=w.partner_user).last()
    response = client.post(reverse("cooperation:mark_read", kwargs={"pk": first.pk}))
    assert response["Location"] == first.url
    first.refresh_from_db()
    assert first.read_at is not None
    client.post(reverse("cooperation:mark_all_read"))
    assert not Notification.objects.filter(user=w.partner_user).unread().exists()
    # Nobody reads someone else's notification.
    client.force_login(w.member_user)
    assert client.post(reverse("cooperation:mark_read", kwargs={"pk": first.pk})).status_code == 404


def test_the_project_panel_offers_the_right_link(client, w, rf):
    from django.template import Context, Template

    template = Template('{% include "cooperation/_project_panel.html" with project=project %}')
    request = rf.get("/")
    request.user = w.member_user
    html = template.render(Context({"project": w.space.project, "request": request}))
    assert "Ouvrir l'espace de co-construction" in html and w.space.get_absolute_url() in html
    from tests.projects.factories import linked_project
    from tests.users.factories import MembershipFactory

    project = linked_project()
    request.user = MembershipFactory(organisation=project.leads[0]).user
    html = template.render(Context({"project": project, "request": request}))
    assert "Ouvrir un espace de co-construction" in html
    request.user = UserFactory()
    html = template.render(Context({"project": project, "request": request}))
    assert "n'a pas d'espace" in html


def test_the_governance_page_changes_rules_and_colleges_through_the_write(client, w):
    """The page and the API share one write (services.set_governance): the same checks, the
    same log entry."""
    client.force_login(w.lead_user)
    data = {
        "rules-min_there_percent": 25,
        "rules-review_months": 6,
        "rules-public_purpose": "on",
        "rules-listed": "on",
        "colleges-TOTAL_FORMS": 3,
        "colleges-INITIAL_FORMS": 2,
        "colleges-MIN_NUM_FORMS": 0,
        "colleges-MAX_NUM_FORMS": 1000,
        "colleges-2-name": "Recherche",
        "colleges-2-quorum_kind": "count",
        "colleges-2-quorum": 1,
    }
    for i, college in enumerate([w.here, w.there]):
        data.update(
            {
                f"colleges-{i}-id": college.pk,
                f"colleges-{i}-name": college.name,
                f"colleges-{i}-quorum_kind": college.quorum_kind,
                f"colleges-{i}-quorum": 75 if i == 0 else college.quorum,
            }
        )
    response = client.post(url("governance", w), data)
    assert response.status_code == 302
    w.space.refresh_from_db()
    w.here.refresh_from_db()
    assert (w.space.min_there_percent, w.space.review_months) == (25, 6)
    assert w.here.quorum == 75
    assert list(w.space.colleges.values_list("name", flat=True)) == [
        "Associations",
        "Partenaires là-bas",
        "Recherche",
    ]
    [entry] = DecisionLogEntry.objects.filter(kind=LogKind.GOVERNANCE)
    assert "Recherche (1 réponse)" in entry.summary


def test_the_invited_organisation_declines_from_the_space_page(client, w):
    guest = OrganisationFactory(name="Coopérative de Kaya")
    person = PartnerAbroadFactory()
    MembershipFactory(user=person, organisation=guest)
    member = services.invite(w.space, guest, w.there, w.lead_user)
    client.force_login(w.lead_user)  # the lead invited; it does not answer for the guest
    assert client.post(url("decline", w, pk=member.pk)).status_code == 403
    client.force_login(person)
    page = client.get(url("space", w)).content.decode()
    assert "Décliner l'invitation" in page
    response = client.post(url("decline", w, pk=member.pk))
    assert response.status_code == 302 and response["Location"] == reverse("site:my_space")
    member.refresh_from_db()
    assert member.status == MemberStatus.LEFT
