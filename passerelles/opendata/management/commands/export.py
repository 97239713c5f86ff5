"""`passerelles export FORMAT [--output FILE] [--kind organisations|projects]`: write an
open-data export of the published records (to standard output when no file is given).

Formats: csv, xlsx, geojson, jsonld (organisations only), iati (activities for projects, an
organisation file for organisations; the default kind for iati is projects, organisations
otherwise). XLSX needs --output (binary)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from passerelles.opendata import export


class Command(BaseCommand):
    help = "Exporte les organisations ou les projets publiés (CSV, XLSX, GeoJSON, JSON-LD, IATI)."

    def add_arguments(self, parser):
        parser.add_argument("format", choices=export.FORMATS, help=_("format de l'export"))
        parser.add_argument("--output", "-o", help=_("fichier à écrire (sinon la sortie)"))
        parser.add_argument("--kind", choices=export.KINDS, help=_("organisations ou projets"))

    def handle(self, *args, format, output, kind, **options):
        kind = kind or ("projects" if format == "iati" else "organisations")
        entry = export.get(kind, format)
        if entry is None:
            raise CommandError(
                _("Pas d'export %(format)s des %(kind)s. Exports possibles : %(list)s.")
                % {
                    "format": format,
                    "kind": kind,
                    "list": ", ".join(f"{e.format} --kind {e.kind}" for e in export.EXPORTS),
                }
            )
        base_url = export.base_url()
        if output is None:
            if entry.is_binary and format == "xlsx":
                raise CommandError(_("Un classeur XLSX s'écrit dans un fichier : --output."))
            entry.write(_Text(self.stdout), base_url)
            return
        try:
            with open(output, "wb") as out:
                entry.write(out, base_url)
        except OSError as error:
            raise CommandError(
                _("Impossible d'écrire %(file)s : %(error)s") % {"file": output, "error": error}
            ) from None
        self.stdout.write(_("Export écrit dans %(file)s.") % {"file": output})


class _Text:
    """Bytes written to a text stream (tests capture stdout as text)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, data: bytes) -> int:
        self.stream.write(data.decode("utf-8"), ending="")
        return len(data)
