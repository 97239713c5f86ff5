"""What a case document may be: its type is read from its first bytes (and, for the office
formats, from the names inside the ZIP), never from the name or the browser's say-so, and its
size is bounded (`PASSERELLES_MAX_CASE_DOCUMENT_BYTES`, 10 MB by default)."""

import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = ("application/pdf", "pdf")
PNG = ("image/png", "png")
JPEG = ("image/jpeg", "jpg")
ODT = ("application/vnd.oasis.opendocument.text", "odt")
ODS = ("application/vnd.oasis.opendocument.spreadsheet", "ods")
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")


class DocumentRefused(ValueError):
    """A file that is not accepted; its message is for the person, in French."""


def max_bytes() -> int:
    return int(getattr(settings, "PASSERELLES_MAX_CASE_DOCUMENT_BYTES", 10 * 1024 * 1024))


def _office_type(upload):
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                for kind in (ODT, ODS):
                    if declared == kind[0]:
                        return kind
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def sniff(upload) -> tuple[str, str] | None:
    """(content type, extension) read from the content, or None for anything else."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        found = _office_type(upload)
        upload.seek(0)
        return found
    return None


def check(upload) -> tuple[str, str]:
    """The upload's (content type, extension), or DocumentRefused saying why in words."""
    limit = max_bytes()
    if upload.size == 0:
        raise DocumentRefused(_("Le fichier est vide."))
    if upload.size > limit:
        raise DocumentRefused(
            _("Le fichier pèse %(size)s ; la limite est de %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    found = sniff(upload)
    if found is None:
        raise DocumentRefused(
            _(
                "Ce type de fichier n'est pas accepté. Formats possibles : PDF, texte "
                "(ODT, DOCX), tableur (ODS, XLSX), image (PNG, JPEG)."
            )
        )
    return found
