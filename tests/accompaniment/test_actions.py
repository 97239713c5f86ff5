"""The case files' door: each action writes what it says, records who did it, and refuses in
words what cannot be done."""

import datetime

import pytest
from django.utils import timezone

from passerelles.accompaniment import actions
from passerelles.accompaniment.enums import CaseKind, CaseStatus, EntryKind, LinkKind
from passerelles.accompaniment.models import Case, CaseEntry
from passerelles.core import door
from tests.accompaniment import factories
from tests.actors.factories import OrganisationFactory
from tests.bridges.factories import FundingCallFactory
from tests.projects.factories import linked_project
from tests.users.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_open_case_records_who_and_defaults_the_person_in_charge():
    staff = StaffFactory()
    org = OrganisationFactory()
    case = actions.open_case(organisation=org, kind=CaseKind.FIRST_CONTACT, by=staff)
    assert case.in_charge == staff and case.opened_by == staff
    assert case.status == CaseStatus.OPEN and case.opened_on == timezone.localdate()


def test_a_project_must_be_one_of_the_organisation():
    org = OrganisationFactory()
    own = linked_project(lead=org)
    other = linked_project()
    staff = StaffFactory()
    case = actions.open_case(organisation=org, kind=CaseKind.PROJECT_SETUP, by=staff, project=own)
    assert case.project == own
    with pytest.raises(actions.ActionError, match="n'est pas un projet de"):
        actions.open_case(organisation=org, kind=CaseKind.PROJECT_SETUP, by=staff, project=other)


def test_writes_around_the_door_are_refused():
    with pytest.raises(door.WriteOutsideActions):
        Case.objects.create(organisation=OrganisationFactory(), kind=CaseKind.EVALUATION)


def test_log_entry_is_private_unless_shared_and_sanitised():
    case = factories.case()
    staff = case.in_charge
    entry = actions.log_entry(
        case, kind=EntryKind.APPOINTMENT, text="<p>RDV</p><script>x()</script>", by=staff
    )
    assert entry.shared is False and entry.author == staff
    assert "<script>" not in entry.text and "RDV" in entry.text
    with pytest.raises(actions.ActionError, match="texte"):
        actions.log_entry(case, kind=EntryKind.NOTE, text="  ", by=staff)


def test_member_messages_are_always_shared():
    member = MembershipFactory().user
    case = factories.case(member.memberships.get().organisation)
    entry = actions.member_message(case, text="Bonjour", by=member)
    assert entry.shared and entry.from_organisation and entry.kind == EntryKind.MESSAGE
    # The database says so too.
    with pytest.raises(Exception), door.inside():  # noqa: B017
        CaseEntry.objects.filter(pk=entry.pk).update(shared=False)


def test_next_step_clears_the_reminder_marker_only_when_it_changes():
    case = factories.case(next_step="Appeler", next_step_due=timezone.localdate())
    staff = case.in_charge
    assert actions.send_reminders() == 1
    case.refresh_from_db()
    assert case.next_step_reminded_on == timezone.localdate()
    actions.set_next_step(
        case, text="Appeler", due=case.next_step_due, by=staff, status=CaseStatus.WAITING
    )
    case.refresh_from_db()
    assert case.next_step_reminded_on is not None and case.status == CaseStatus.WAITING
    later = timezone.localdate() + datetime.timedelta(days=3)
    actions.set_next_step(case, text="Relancer", due=later, by=staff)
    case.refresh_from_db()
    assert case.next_step_reminded_on is None and case.next_step_set_by == staff


def test_close_and_reopen():
    case = factories.case()
    staff = case.in_charge
    actions.close_case(case, by=staff, outcome="Dossier déposé")
    case.refresh_from_db()
    assert case.is_closed and case.closed_on == timezone.localdate() and case.closed_by == staff
    with pytest.raises(actions.ActionError, match="clos"):
        actions.set_next_step(case, text="x", due=None, by=staff)
    with pytest.raises(actions.ActionError, match="clos"):
        actions.close_case(case, by=staff)
    actions.reopen_case(case, by=staff)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.closed_on is None


def test_propose_links_of_each_kind():
    case = factories.case()
    staff = case.in_charge
    partner = OrganisationFactory()
    call = FundingCallFactory()
    assert actions.propose_link(case, target=partner, by=staff).kind == LinkKind.PARTNER
    assert actions.propose_link(case, target=call, by=staff).kind == LinkKind.CALL
    with pytest.raises(actions.ActionError, match="sa propre partenaire"):
        actions.propose_link(case, target=case.organisation, by=staff)
    with pytest.raises(actions.ActionError):
        actions.propose_link(case, target="n'importe quoi", by=staff)


def test_merge_moves_cases_to_the_kept_record():
    case = factories.case()
    kept = OrganisationFactory()
    actions.move_cases(case.organisation, kept)
    case.refresh_from_db()
    assert case.organisation == kept
