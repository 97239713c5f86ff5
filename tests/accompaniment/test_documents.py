"""Upload limits: the type is read from the content, the size is bounded, and a refusal is a
sentence next to the field, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from passerelles.accompaniment import actions
from passerelles.accompaniment.models import CaseDocument
from tests.accompaniment import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("make", "content_type", "extension"),
    [
        (factories.pdf, "application/pdf", "pdf"),
        (
            factories.docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        (factories.ods, "application/vnd.oasis.opendocument.spreadsheet", "ods"),
        (
            lambda: SimpleUploadedFile("photo.jpeg", b"\xff\xd8\xff\xe0" + b"0" * 20),
            "image/jpeg",
            "jpg",
        ),
        (
            lambda: SimpleUploadedFile("plan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
            "image/png",
            "png",
        ),
    ],
)
def test_accepted_types_are_recognised_by_content(make, content_type, extension):
    case = factories.case()
    document = actions.attach_document(case, upload=make(), by=case.in_charge)
    assert document.content_type == content_type
    assert document.name.endswith("." + extension)
    assert document.file.read()[:2] in (b"%P", b"PK", b"\xff\xd8", b"\x89P")


@pytest.mark.parametrize(
    "upload",
    [
        # A script named like a PDF: the name does not make the type.
        SimpleUploadedFile("rapport.pdf", b"#!/bin/sh\nrm -rf /\n", content_type="application/pdf"),
        SimpleUploadedFile("page.html", b"<html><script>alert(1)</script></html>"),
        # A ZIP that is no office document.
        factories.office("archive.docx", {"autre.txt": "x"}),
    ],
)
def test_other_types_are_refused_in_words(upload):
    case = factories.case()
    with pytest.raises(actions.ActionError, match="type de fichier n'est pas accepté"):
        actions.attach_document(case, upload=upload, by=case.in_charge)
    assert not CaseDocument.objects.exists()


def test_size_limit(settings, client):
    settings.PASSERELLES_MAX_CASE_DOCUMENT_BYTES = 1000
    case = factories.case()
    client.force_login(case.in_charge)
    response = client.post(
        reverse("accompaniment:add_document", args=[case.pk]),
        {"doc-file": factories.pdf(size=2000), "doc-shared": "on"},
    )
    assert response.status_code == 400
    assert "la limite est de 1000" in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_a_refused_type_through_the_page(client):
    case = factories.case()
    client.force_login(case.in_charge)
    response = client.post(
        reverse("accompaniment:add_document", args=[case.pk]),
        {"doc-file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"0" * 50)},
    )
    assert response.status_code == 400
    assert "Formats possibles : PDF" in response.content.decode()


def test_uploaded_through_the_page_and_downloaded(client):
    case = factories.case()
    client.force_login(case.in_charge)
    response = client.post(
        reverse("accompaniment:add_document", args=[case.pk]),
        {"doc-file": factories.pdf("Budget 2026.pdf")},
        follow=True,
    )
    assert "Le document est joint au dossier." in response.content.decode()
    document = CaseDocument.objects.get()
    assert document.shared is False and document.uploaded_by == case.in_charge
    download = client.get(document.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")
