"""Cases for tests, made through the case files' door (accompaniment.actions)."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from passerelles.accompaniment import actions
from passerelles.accompaniment.enums import CaseKind, EntryKind
from tests.actors.factories import OrganisationFactory
from tests.users.factories import MembershipFactory, StaffFactory

PRIVATE_NOTE = "Note privée : trésorerie fragile"
SHARED_NOTE = "Compte rendu partagé : budget à revoir"


def case(organisation=None, *, staff=None, kind=CaseKind.FUNDING_FILE, **fields):
    staff = staff or StaffFactory()
    return actions.open_case(
        organisation=organisation or OrganisationFactory(), kind=kind, by=staff, **fields
    )


def pdf(name="budget.pdf", size=None) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n%%EOF\n"
    if size:
        body = body + b"0" * (size - len(body))
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def office(name: str, inner: dict) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, content in inner.items():
            archive.writestr(path, content)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def docx() -> SimpleUploadedFile:
    return office("note.docx", {"[Content_Types].xml": "<x/>", "word/document.xml": "<w/>"})


def ods() -> SimpleUploadedFile:
    return office(
        "budget.ods",
        {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"},
    )


def full_case():
    """A case with one private and one shared entry, document and link each, a member of the
    organisation, and the staff member in charge: the material of the leak test."""
    staff = StaffFactory()
    member = MembershipFactory().user
    org = member.memberships.get().organisation
    c = case(org, staff=staff, next_step="Relire le budget")
    actions.log_entry(c, kind=EntryKind.NOTE, text=PRIVATE_NOTE, by=staff)
    actions.log_entry(c, kind=EntryKind.APPOINTMENT, text=SHARED_NOTE, by=staff, shared=True)
    private_doc = actions.attach_document(c, upload=pdf("prive-tresorerie.pdf"), by=staff)
    shared_doc = actions.attach_document(c, upload=pdf("partage-budget.pdf"), by=staff, shared=True)
    partner = OrganisationFactory(name="Partenaire gardé secret")
    actions.propose_link(c, target=partner, by=staff, shared=False)
    shared_partner = OrganisationFactory(name="Partenaire proposé ouvertement")
    actions.propose_link(c, target=shared_partner, by=staff)
    return {
        "case": c,
        "staff": staff,
        "member": member,
        "private_doc": private_doc,
        "shared_doc": shared_doc,
    }
