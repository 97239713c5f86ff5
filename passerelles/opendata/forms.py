"""The staff upload form of the import page."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from passerelles.opendata import registry

DEFAULT_MAX_IMPORT_BYTES = 20 * 1024 * 1024


def max_import_bytes() -> int:
    """Imports are bigger than logos: their own limit (PASSERELLES_MAX_IMPORT_BYTES), never
    below the general upload limit."""
    return max(
        getattr(settings, "PASSERELLES_MAX_IMPORT_BYTES", DEFAULT_MAX_IMPORT_BYTES),
        settings.PASSERELLES_MAX_UPLOAD_BYTES,
    )


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
