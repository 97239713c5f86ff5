"""Moderation workflows: queue, review diff, approve, reject with a reason, merge, "not a
duplicate", duplicates detection, history, and e-mails sent only once committed."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from passerelles.actors import moderation
from passerelles.actors.duplicates import candidates_for, likely_pairs
from passerelles.actors.enums import Status
from passerelles.actors.models import ChangeRecord, NotDuplicate, Organisation, Proposal
from passerelles.core.history import ChangeSource, Origin
from passerelles.vocab.models import Theme
from tests.actors.contribution_helpers import client_for, edit_data, org_form_data
from tests.actors.factories import AbroadOrganisationFactory, OrganisationFactory
from tests.users.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    staff = StaffFactory(email="equipe@example.org")
    client = Client()
    client.force_login(staff)
    client.staff = staff
    return client


def _propose(client, **overrides):
    data = org_form_data(contact_email="visiteur@example.org", **overrides)
    assert client.post(reverse("actors:propose"), data).status_code == 302
    return Proposal.objects.latest("pk")


def test_queue_lists_pending_proposals_oldest_first_with_counts(staff_client):
    # A pending organisation comes with its creation proposal (the actions open it).
    old = OrganisationFactory(name="Ancienne", status=Status.PENDING).proposals.get()
    Proposal.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    new = Proposal.objects.create(kind="update", organisation=OrganisationFactory(name="Récente"))
    Proposal.objects.create(kind="update", organisation=OrganisationFactory(), status="approved")
    response = staff_client.get(reverse("actors:moderation"))
    assert list(response.context["proposals"]) == [old, new]
    assert response.context["counts"] == {
        "pending": 2,
        "creations": 1,
        "corrections": 1,
        "archives": 0,
    }


def test_review_of_a_creation_shows_every_filled_field(client, staff_client):
    proposal = _propose(client)
    response = staff_client.get(reverse("actors:review", args=[proposal.pk]))
    rows = {row["name"]: row for row in response.context["rows"]}
    assert rows["name"]["old"] == "" and rows["name"]["new"] == "Terres Solidaires du Loir"
    assert rows["commune"]["new"] == "Blois (41)"
    assert "rna" in rows and "phone" not in rows


def test_review_of_a_correction_shows_old_and_new_for_changed_fields_only(client, staff_client):
    org = OrganisationFactory(name="Les Amis du Sahel", phone="")
    theme = Theme.objects.first()
    data = edit_data(org, phone="02 54 11 22 33", themes=[str(theme.pk)])
    data["contact_email"] = "v@example.org"
    client.post(reverse("actors:correct", args=[org.slug]), data)
    proposal = Proposal.objects.get(kind="update")
    response = staff_client.get(reverse("actors:review", args=[proposal.pk]))
    rows = {row["name"]: (row["old"], row["new"]) for row in response.context["rows"]}
    assert rows == {"phone": ("", "02 54 11 22 33"), "themes": ("", theme.name_fr)}
    html = response.content.decode()
    assert "02 54 11 22 33</ins>" in html


def test_approving_a_creation_publishes_it_and_tells_the_proposer(
    client, staff_client, django_capture_on_commit_callbacks
):
    proposal = _propose(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("actors:review", args=[proposal.pk]), {"action": "approve"}
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    org = proposal.organisation
    assert proposal.status == "approved" and proposal.reviewed_by == staff_client.staff
    assert org.status == Status.PUBLISHED
    record = org.history.first()
    assert record.action == "approved" and record.changes["status"][1] == "publiée"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["visiteur@example.org"]
    assert "acceptée" in mail.outbox[0].subject


def test_no_email_leaves_when_the_transaction_is_rolled_back(client, staff_client):
    proposal = _propose(client)
    # Without running on-commit callbacks (the test's transaction never commits), nothing is sent.
    staff_client.post(reverse("actors:review", args=[proposal.pk]), {"action": "approve"})
    assert mail.outbox == []


def test_approving_a_correction_applies_the_payload_with_history(client, staff_client):
    org = OrganisationFactory(name="Les Amis du Sahel")
    theme = Theme.objects.first()
    data = edit_data(org, phone="02 54 11 22 33", themes=[str(theme.pk)], contact_email="v@x.org")
    client.post(reverse("actors:correct", args=[org.slug]), data)
    proposal = Proposal.objects.get(kind="update")
    staff_client.post(reverse("actors:review", args=[proposal.pk]), {"action": "approve"})
    org.refresh_from_db()
    assert org.phone == "02 54 11 22 33"
    assert list(org.themes.all()) == [theme]
    record = ChangeRecord.objects.exclude(source=ChangeSource.SYSTEM).get(organisation=org)
    assert record.user == staff_client.staff
    assert set(record.changes) == {"phone", "themes"}


def test_a_correction_that_no_longer_validates_is_not_applied(staff_client):
    org = OrganisationFactory()
    proposal = Proposal.objects.create(
        kind="update", organisation=org, payload={"siret": "12345678901234"}
    )
    response = staff_client.get(reverse("actors:review", args=[proposal.pk]))
    assert response.context["payload_errors"]
    response = staff_client.post(
        reverse("actors:review", args=[proposal.pk]), {"action": "approve"}, follow=True
    )
    assert "plus applicable" in response.content.decode()
    proposal.refresh_from_db()
    org.refresh_from_db()
    assert proposal.status == "pending" and org.siret == ""


def test_rejecting_needs_a_reason(client, staff_client):
    proposal = _propose(client)
    response = staff_client.post(
        reverse("actors:review", args=[proposal.pk]), {"action": "reject", "reason": "  "}
    )
    assert response.status_code == 400
    assert "motif" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_rejecting_archives_the_proposed_organisation_and_emails_the_reason(
    client, staff_client, django_capture_on_commit_callbacks
):
    proposal = _propose(client)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("actors:review", args=[proposal.pk]),
            {"action": "reject", "reason": "Cette structure n'a pas d'activité internationale."},
        )
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    assert proposal.organisation.status == Status.ARCHIVED
    assert "pas d'activité internationale" in mail.outbox[0].body
    assert "n'a pas été retenue" in mail.outbox[0].subject


def test_a_decided_proposal_cannot_be_decided_again(client, staff_client):
    proposal = _propose(client)
    url = reverse("actors:review", args=[proposal.pk])
    staff_client.post(url, {"action": "approve"})
    response = staff_client.post(url, {"action": "reject", "reason": "trop tard"}, follow=True)
    assert "déjà été traitée" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "approved"


def test_merging_fills_empty_fields_moves_people_and_archives_the_duplicate(
    staff_client, django_capture_on_commit_callbacks
):
    theme_a, theme_b = Theme.objects.all()[:2]
    target = OrganisationFactory(name="Maison des Solidarités", website="", themes=[theme_a])
    dup = OrganisationFactory(
        name="Maison des solidarites",
        status=Status.PENDING,
        website="https://mds.example.org",
        rna="W412001234",
        themes=[theme_b],
    )
    proposal = dup.proposals.get()
    Proposal.objects.filter(pk=proposal.pk).update(proposer_email="p@x.org")
    correction = Proposal.objects.create(kind="update", organisation=dup, payload={"phone": "1"})
    member = MembershipFactory(organisation=dup).user
    MembershipFactory(organisation=target)

    response = staff_client.get(reverse("actors:review", args=[proposal.pk]))
    assert [p.second for p in response.context["candidates"]] == [target]
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("actors:review", args=[proposal.pk]), {"action": "merge", "target": target.pk}
        )
    target.refresh_from_db()
    dup.refresh_from_db()
    proposal.refresh_from_db()
    correction.refresh_from_db()
    assert target.website == "https://mds.example.org" and target.rna == "W412001234"
    assert target.name == "Maison des Solidarités"  # filled fields are kept
    assert set(target.themes.all()) == {theme_a, theme_b}
    assert target.memberships.filter(user=member).exists()
    assert correction.organisation == target
    assert proposal.status == "merged" and proposal.merged_into == target
    assert dup.status == Status.ARCHIVED
    # Both merge records, and the duplicate's own story, now read on the kept record; the
    # duplicate's records say which record they were made to.
    merged = target.history.filter(action="merged")
    assert merged.count() == 2
    assert merged.filter(merged_from=f"Maison des solidarites (n° {dup.pk})").count() == 1
    assert target.history.filter(merged_from__startswith="Maison des solidarites").count() == 2
    assert not dup.history.exists()
    assert "rejoint une fiche existante" in mail.outbox[0].subject


def test_merge_by_slug_of_a_target_not_suggested(client, staff_client):
    proposal = _propose(client, name="Collectif Loire-Niger")
    target = OrganisationFactory(name="Un tout autre nom", commune_id="45234")
    response = staff_client.post(
        reverse("actors:review", args=[proposal.pk]),
        {"action": "merge", "target_slug": target.slug},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.merged_into == target


def test_merge_without_a_target_says_so(client, staff_client):
    proposal = _propose(client)
    response = staff_client.post(reverse("actors:review", args=[proposal.pk]), {"action": "merge"})
    assert response.status_code == 400
    assert "Choisissez la fiche existante" in response.content.decode()


def test_not_a_duplicate_is_remembered_and_never_suggested_again(staff_client):
    a = OrganisationFactory(name="Amitié Blois-Kaya", siren="732829320")
    b = OrganisationFactory(name="Amitie Blois Kaya", siren="732829320", status=Status.PENDING)
    proposal = Proposal.objects.create(kind="create", organisation=b)
    assert [p.second for p in candidates_for(b)] == [a]
    pairs, total = likely_pairs()
    assert total == 1 and set(pairs[0].reasons) == {"siren", "name"}
    staff_client.post(
        reverse("actors:review", args=[proposal.pk]), {"action": "not_duplicate", "other": a.pk}
    )
    assert NotDuplicate.objects.get().first_id == min(a.pk, b.pk)
    assert candidates_for(b) == []
    assert likely_pairs() == ([], 0)
    assert staff_client.get(reverse("actors:duplicates")).context["total"] == 0


def test_duplicates_detection_by_siren_rna_and_name_in_the_same_place():
    OrganisationFactory(name="A", siren="732829320")
    OrganisationFactory(name="B", siren="732829320")
    OrganisationFactory(name="C", rna="W412001234")
    OrganisationFactory(name="D", rna="W412001234")
    OrganisationFactory(name="L'Association des Amis du Togo", commune_id="41018")
    OrganisationFactory(name="Amis du Togo", commune_id="41018")
    OrganisationFactory(name="Amis du Togo", commune_id="45234")  # elsewhere: not a duplicate
    AbroadOrganisationFactory(name="Union des groupements", locality="Ouagadougou")
    AbroadOrganisationFactory(name="Union des Groupements", locality="ouagadougou")
    OrganisationFactory(name="Archivée", siren="732829320", status=Status.ARCHIVED)
    pairs, total = likely_pairs()
    found = {(p.first.name, p.second.name): p.reasons for p in pairs}
    assert total == 4
    assert found[("A", "B")] == ["siren"]
    assert found[("C", "D")] == ["rna"]
    assert found[("L'Association des Amis du Togo", "Amis du Togo")] == ["name"]
    assert ("Union des groupements", "Union des Groupements") in found


def test_duplicates_page_runs_a_constant_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    for n in range(30):
        OrganisationFactory(name=f"Doublon {n % 10}", siren="" if n % 3 else "732829320")
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("actors:duplicates"))
    assert response.status_code == 200 and response.context["total"] > 10


def test_merge_from_the_duplicates_page_keeps_the_chosen_record(staff_client):
    a = OrganisationFactory(name="Amis du Togo", email="")
    b = OrganisationFactory(name="Les amis du Togo", email="contact@togo.example.org")
    staff_client.post(
        reverse("actors:duplicates"),
        {"action": "merge", "first": a.pk, "second": b.pk, "keep": "second"},
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == Status.ARCHIVED and b.status == Status.PUBLISHED


def test_a_merged_record_address_leads_to_the_kept_one_and_projects_follow(client):
    from tests.projects.factories import FundingLineFactory, ParticipationFactory, ProjectFactory

    kept = OrganisationFactory(name="Amis du Togo")
    duplicate = OrganisationFactory(name="Les amis du Togo")
    older = OrganisationFactory(name="Amis Togo")
    moderation.merge(older, duplicate, origin=Origin(StaffFactory()))
    shared, own = ProjectFactory(), ProjectFactory()
    ParticipationFactory(project=shared, organisation=kept, role="lead")
    ParticipationFactory(project=shared, organisation=duplicate, role="lead")
    ParticipationFactory(project=own, organisation=duplicate, role="partner_here")
    line = FundingLineFactory(project=own, funder=duplicate)

    moderation.merge(duplicate, kept, origin=Origin(StaffFactory()))

    response = client.get(reverse("actors:detail", args=[duplicate.slug]))
    assert response.status_code == 301 and response["Location"] == kept.get_absolute_url()
    # A record merged earlier into the duplicate now leads straight to the kept one.
    response = client.get(reverse("actors:detail", args=[older.slug]))
    assert response["Location"] == kept.get_absolute_url()
    # The kept record holds the projects, without a doubled role in the shared one.
    assert list(shared.participations.values_list("organisation_id", "role")) == [(kept.pk, "lead")]
    assert own.participations.get().organisation_id == kept.pk
    line.refresh_from_db()
    assert line.funder_id == kept.pk


def test_an_archived_record_that_was_not_merged_stays_hidden(client):
    org = OrganisationFactory(status=Status.ARCHIVED)
    assert client.get(reverse("actors:detail", args=[org.slug])).status_code == 404


def test_a_record_cannot_be_merged_into_itself():
    org = OrganisationFactory()
    with pytest.raises(moderation.ModerationError):
        moderation.merge(org, org, origin=Origin(StaffFactory()))


def test_members_edit_directly_with_history_and_place_follows_the_commune(client):
    org = OrganisationFactory(commune_id="41018")
    membership = MembershipFactory(organisation=org)
    client.force_login(membership.user)
    data = edit_data(org, commune="Orléans", postcode="45000")
    response = client.post(reverse("actors:edit", args=[org.slug]), data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.commune_id == "45234" and org.department_id == "45"
    assert org.lat == pytest.approx(47.9, abs=0.1)
    record = org.history.exclude(source=ChangeSource.SYSTEM).get()
    assert record.changes["commune"] == ["Blois (41)", "Orléans (45)"]
    assert record.source == ChangeSource.WEB


def test_an_edit_that_changes_nothing_writes_no_history(client):
    org = OrganisationFactory()
    client.force_login(MembershipFactory(organisation=org).user)
    client.post(reverse("actors:edit", args=[org.slug]), edit_data(org))
    assert not org.history.exclude(source=ChangeSource.SYSTEM).exists()


def test_history_page_hides_emails_from_the_public_and_shows_them_to_staff(client, staff_client):
    org = OrganisationFactory()
    member = MembershipFactory(organisation=org, user=UserFactory(email="secret@example.org"))
    member_client, _ = client_for("visitor", org)
    member_client.force_login(member.user)
    member_client.post(reverse("actors:edit", args=[org.slug]), edit_data(org, phone="0600"))
    url = reverse("actors:history", args=[org.slug])
    public = client.get(url).content.decode()
    assert "secret@example.org" not in public and "un membre de l" in public
    assert "0600" in public
    assert "secret@example.org" in staff_client.get(url).content.decode()


def test_proposing_writes_a_creation_record(client):
    proposal = _propose(client)
    record = proposal.organisation.history.get()
    assert record.action == "created" and record.user is None
    assert record.changes["name"] == ["", "Terres Solidaires du Loir"]


def test_a_correction_without_change_is_not_sent(client):
    org = OrganisationFactory()
    data = edit_data(org, contact_email="v@example.org")
    response = client.post(reverse("actors:correct", args=[org.slug]), data)
    assert "aucune correction envoyée" in str(list(get_messages(response.wsgi_request))[0])
    assert not Proposal.objects.exists()
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize("value", ["", "abc", "1 OR 1=1", "999999"])
def test_bad_ids_in_moderation_forms_are_404_not_crashes(staff_client, value):
    org = OrganisationFactory()
    proposal = Proposal.objects.create(kind="create", organisation=org)
    url = reverse("actors:review", args=[proposal.pk])
    assert staff_client.post(url, {"action": "not_duplicate", "other": value}).status_code == 404
    response = staff_client.post(
        reverse("actors:duplicates"), {"action": "merge", "first": org.pk, "second": value}
    )
    assert response.status_code == 404


def test_an_unknown_action_changes_nothing(staff_client):
    org = OrganisationFactory(status=Status.PENDING)
    proposal = Proposal.objects.create(kind="create", organisation=org)
    response = staff_client.post(
        reverse("actors:review", args=[proposal.pk]), {"action": "delete"}, follow=True
    )
    assert "Action inconnue" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_every_admin_page_of_our_apps_opens_for_staff(staff_client):
    from django.contrib import admin

    OrganisationFactory()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"actors", "users", "geo", "vocab"}:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        response = staff_client.get(reverse(f"admin:{info[0]}_{info[1]}_changelist"))
        assert response.status_code == 200, info
        if model_admin.has_add_permission(_request_for(staff_client.staff)):
            assert staff_client.get(reverse(f"admin:{info[0]}_{info[1]}_add")).status_code == 200, (
                info
            )


def test_an_admin_edit_writes_history(staff_client):
    org = OrganisationFactory(phone="")
    url = reverse("admin:actors_organisation_change", args=[org.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "name": org.name,
            "slug": org.slug,
            "family": org.family,
            "status": org.status,
            "country": "FR",
            "commune": org.commune_id,
            "phone": "02 38 00 00 00",
            "languages": "[]",
            "is_si": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "history-TOTAL_FORMS": "0",
            "history-INITIAL_FORMS": "0",
        }
    )
    for key in ("imported_at", "last_verified_at", "lat", "lon", "logo"):
        data.pop(key, None)
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = org.history.exclude(source=ChangeSource.SYSTEM).get()
    assert record.changes["phone"] == ["", "02 38 00 00 00"]
    assert record.user == staff_client.staff
    assert record.source == ChangeSource.ADMIN


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_keeping_the_pending_record_of_a_pair_keeps_the_organisation_published(staff_client):
    published = OrganisationFactory(name="Amis du Togo", phone="02 00 00 00 00")
    pending = OrganisationFactory(name="Les amis du Togo", status=Status.PENDING)
    proposal = Proposal.objects.create(kind="create", organisation=pending)
    staff_client.post(
        reverse("actors:duplicates"),
        {"action": "merge", "first": published.pk, "second": pending.pk, "keep": "second"},
    )
    pending.refresh_from_db()
    proposal.refresh_from_db()
    assert pending.status == Status.PUBLISHED and pending.phone == "02 00 00 00 00"
    assert proposal.status == "approved"
    assert Organisation.objects.get(pk=published.pk).status == Status.ARCHIVED


def _checked_value(html: str, name: str) -> str | None:
    """The value of the radio button `name` a browser would submit untouched."""
    from lxml import html as lxml_html

    checked = lxml_html.fromstring(html).xpath(f'//input[@name="{name}"][@checked]/@value')
    return checked[0] if checked else None


def test_a_single_candidate_is_preselected_so_merge_works_in_one_click(client, staff_client):
    target = OrganisationFactory(name="Maison des Solidarités")
    dup = OrganisationFactory(name="Maison des solidarites", status=Status.PENDING)
    proposal = dup.proposals.get()

    page = staff_client.get(reverse("actors:review", args=[proposal.pk]))
    preselected = _checked_value(page.content.decode(), "target")
    assert preselected == str(target.pk)
    # Submitting the form as shown (what a browser sends) merges into that record.
    response = staff_client.post(
        reverse("actors:review", args=[proposal.pk]), {"action": "merge", "target": preselected}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.merged_into == target


def test_equally_likely_candidates_are_not_preselected(staff_client):
    first = OrganisationFactory(name="Maison des Solidarités")
    OrganisationFactory(name="Maison des Solidarites", commune=first.commune)
    dup = OrganisationFactory(
        name="Maison des solidarités", status=Status.PENDING, commune=first.commune
    )
    page = staff_client.get(reverse("actors:review", args=[dup.proposals.get().pk]))
    assert len(page.context["candidates"]) == 2
    assert _checked_value(page.content.decode(), "target") is None


def test_duplicates_page_keeps_the_published_record_by_default(staff_client):
    # The pending copy comes first (lower id would otherwise win): the published one is kept.
    pending = OrganisationFactory(name="Amis du Togo", status=Status.PENDING)
    published = OrganisationFactory(name="Les amis du Togo", commune=pending.commune)
    page = staff_client.get(reverse("actors:duplicates"))
    html = page.content.decode()
    pair = next(p for p in page.context["pairs"] if {p.first, p.second} == {pending, published})
    assert pair.first == pending
    assert _checked_value(html, "keep") == "second"
    staff_client.post(
        reverse("actors:duplicates"),
        {"action": "merge", "first": pending.pk, "second": published.pk, "keep": "second"},
    )
    pending.refresh_from_db()
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED and pending.status == Status.ARCHIVED
