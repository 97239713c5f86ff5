"""The staff upload form of the import page."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from passerelles.opendata import registry

DEFAULT_MAX_IMPORT_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_WEB_IMPORT_RECORDS = 20_000


def max_import_bytes() -> int:
    """Imports are bigger than logos: their own limit (PASSERELLES_MAX_IMPORT_BYTES), never
    below the general upload limit."""
    return max(
        getattr(settings, "PASSERELLES_MAX_IMPORT_BYTES", DEFAULT_MAX_IMPORT_BYTES),
        settings.PASSERELLES_MAX_UPLOAD_BYTES,
    )


def max_web_import_records() -> int:
    return getattr(settings, "PASSERELLES_MAX_WEB_IMPORT_RECORDS", DEFAULT_MAX_WEB_IMPORT_RECORDS)


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Ce que contient le fichier"), choices=())
    file = forms.FileField(
        label=_("Fichier"),
        error_messages={
            "required": _("Choisissez le fichier à importer."),
            "empty": _("Le fichier envoyé est vide."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = registry.choices()
        self.fields["file"].help_text = _(
            "CSV ou XLSX selon le modèle, ou XML IATI ; %(limit)s au plus."
        ) % {"limit": filesizeformat(max_import_bytes())}

    def clean(self):
        cleaned = super().clean()
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if upload is None or not kind:
            return cleaned
        limit = max_import_bytes()
        if upload.size > limit:
            self.add_error(
                "file",
                forms.ValidationError(
                    _(
                        "Le fichier pèse %(size)s ; la limite est de %(limit)s. Découpez-le, ou "
                        "importez-le en ligne de commande (passerelles import-table)."
                    ),
                    params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                    code="too_large",
                ),
            )
            return cleaned
        source = registry.get(kind)
        if not source.accepts(upload.name):
            self.add_error(
                "file",
                forms.ValidationError(
                    _("« %(name)s » n'est pas un fichier accepté ici (attendu : %(types)s)."),
                    params={"name": upload.name, "types": ", ".join(source.extensions)},
                    code="file_type",
                ),
            )
            return cleaned
        self._check_records(source, upload)
        return cleaned

    def _check_records(self, source, upload) -> None:
        """Refuse, before simulating anything, a file the page could not import within a web
        request: the server would give up on it half-way and the person would see an error
        page instead of the report."""
        limit = max_web_import_records()
        count = source.count_records(upload)
        if count is None or count <= limit:
            return
        command = "passerelles import-iati" if source.key == "iati" else "passerelles import-table"
        self.add_error(
            "file",
            forms.ValidationError(
                _(
                    "Le fichier compte %(count)s enregistrements ; la page web en importe "
                    "%(limit)s au plus, le temps qu'une page peut attendre. Découpez-le, ou "
                    "importez-le en ligne de commande (%(command)s)."
                ),
                params={
                    "count": number_format(count, force_grouping=True),
                    "limit": number_format(limit, force_grouping=True),
                    "command": command,
                },
                code="too_many_records",
            ),
        )
