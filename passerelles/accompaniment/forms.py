"""The forms of the case pages. They validate what a person typed and hand plain data to
accompaniment.actions; every refusal is a sentence next to its field."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.accompaniment.enums import CaseKind, CaseStatus, EntryKind, LinkKind
from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.bridges.models import FundingCall
from passerelles.bridges.models.issues import CommonIssue
from passerelles.core.richtext import PlainTextField, RichTextField
from passerelles.geo.models import Department
from passerelles.projects.models import Project
from passerelles.users.enums import NetworkRole
from passerelles.users.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERROR = {"invalid": _("Indiquez une date, par exemple 2026-03-15.")}


def staff_people():
    return User.objects.filter(
        is_active=True, role__in=(NetworkRole.STAFF, NetworkRole.ADMIN)
    ).order_by("full_name", "email")


def organisations():
    return Organisation.objects.exclude(status=Status.ARCHIVED).order_by("sort_name", "pk")


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CaseForm(forms.Form):
    organisation = OrganisationChoice(
        label=_("Organisation accompagnée"),
        queryset=organisations(),
        to_field_name="slug",
        error_messages={"invalid_choice": _("Choisissez une organisation de l'annuaire.")},
    )
    project = forms.ModelChoiceField(
        label=_("Projet (facultatif)"),
        queryset=Project.objects.order_by("title"),
        to_field_name="slug",
        required=False,
        help_text=_("Un projet auquel cette organisation participe."),
        error_messages={"invalid_choice": _("Choisissez un projet de la liste.")},
    )
    kind = forms.ChoiceField(label=_("Type d'accompagnement"), choices=CaseKind.choices)
    subject = PlainTextField(label=_("Objet"), max_length=200, required=False)
    in_charge = forms.ModelChoiceField(
        label=_("Chargé·e de mission"),
        queryset=staff_people(),
        required=False,
        help_text=_("Vous, si vous ne choisissez personne."),
    )
    next_step = PlainTextField(label=_("Prochaine étape"), max_length=500, required=False)
    next_step_due = forms.DateField(
        label=_("Échéance"), required=False, widget=DATE, error_messages=DATE_ERROR
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Evaluated per form: people and organisations change between requests.
        self.fields["organisation"].queryset = organisations()
        self.fields["in_charge"].queryset = staff_people()

    def clean(self):
        cleaned = super().clean()
        org, project = cleaned.get("organisation"), cleaned.get("project")
        if org and project and not project.participations.filter(organisation=org).exists():
            self.add_error(
                "project",
                _("Ce projet n'est pas un projet de %(organisation)s.") % {"organisation": org},
            )
        if cleaned.get("next_step_due") and not cleaned.get("next_step"):
            self.add_error("next_step", _("Dites quelle est l'étape qui a cette échéance."))
        return cleaned


class EntryForm(forms.Form):
    # The case page holds several forms: prefixes keep their fields' ids apart.
    prefix = "entry"
    kind = forms.ChoiceField(
        label=_("Type"), choices=EntryKind.choices, initial=EntryKind.APPOINTMENT
    )
    happened_on = forms.DateField(
        label=_("Date"), widget=DATE, initial=timezone.localdate, error_messages=DATE_ERROR
    )
    text = RichTextField(label=_("Compte rendu"), max_length=20000)
    shared = forms.BooleanField(
        label=_("Partager avec l'organisation"),
        required=False,
        help_text=_("Sinon, seule l'équipe du réseau la voit."),
    )


class NextStepForm(forms.Form):
    prefix = "step"
    next_step = PlainTextField(label=_("Prochaine étape"), max_length=500, required=False)
    due = forms.DateField(
        label=_("Échéance"), required=False, widget=DATE, error_messages=DATE_ERROR
    )
    status = forms.ChoiceField(
        label=_("Statut"),
        choices=[
            (CaseStatus.OPEN, CaseStatus.OPEN.label),
            (CaseStatus.WAITING, CaseStatus.WAITING.label),
        ],
    )
    in_charge = forms.ModelChoiceField(label=_("Chargé·e de mission"), queryset=staff_people())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["in_charge"].queryset = staff_people()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("due") and not cleaned.get("next_step"):
            self.add_error("next_step", _("Dites quelle est l'étape qui a cette échéance."))
        return cleaned


class CloseForm(forms.Form):
    prefix = "close"
    outcome = PlainTextField(
        label=_("Bilan de l'accompagnement"), max_length=1000, required=False, multiline=True
    )


class DocumentForm(forms.Form):
    prefix = "doc"
    file = forms.FileField(
        label=_("Document"),
        help_text=_("PDF, ODT, DOCX, ODS, XLSX, PNG ou JPEG."),
        error_messages={
            "required": _("Choisissez un fichier."),
            "empty": _("Le fichier est vide."),
            "invalid": _("Ce n'est pas un fichier."),
        },
    )
    shared = forms.BooleanField(label=_("Partager avec l'organisation"), required=False)


class LinkForm(forms.Form):
    prefix = "link"
    kind = forms.ChoiceField(label=_("Ce qui est proposé"), choices=LinkKind.choices)
    partner = OrganisationChoice(
        label=_("Partenaire"),
        queryset=Organisation.objects.published().order_by("sort_name", "pk"),
        to_field_name="slug",
        required=False,
    )
    call = forms.ModelChoiceField(
        label=_("Appel à projets"),
        queryset=FundingCall.objects.published().order_by("-closes_on", "pk"),
        required=False,
    )
    issue = forms.ModelChoiceField(
        label=_("Enjeu commun"), queryset=CommonIssue.objects.order_by("pk"), required=False
    )
    note = PlainTextField(label=_("Pourquoi"), max_length=500, required=False)
    shared = forms.BooleanField(
        label=_("Partager avec l'organisation"), required=False, initial=True
    )

    FIELD = {LinkKind.PARTNER: "partner", LinkKind.CALL: "call", LinkKind.ISSUE: "issue"}

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind:
            name = self.FIELD[kind]
            if not cleaned.get(name):
                self.add_error(name, _("Choisissez ce que vous proposez."))
            else:
                cleaned["target"] = cleaned[name]
        return cleaned


class MessageForm(forms.Form):
    prefix = "message"
    text = RichTextField(label=_("Votre message"), max_length=5000)


class FilterForm(forms.Form):
    """The filters of the list of every case; a bad value answers 400 with the reason."""

    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("actifs (ouverts ou en attente)")), ("all", _("tous"))]
        + list(CaseStatus.choices),
    )
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("tous"))] + list(CaseKind.choices)
    )
    in_charge = forms.ModelChoiceField(
        label=_("Chargé·e de mission"),
        queryset=staff_people(),
        required=False,
        empty_label=_("tous"),
    )
    department = forms.ModelChoiceField(
        label=_("Département"),
        queryset=Department.objects.in_network_region().order_by("code"),
        required=False,
        empty_label=_("tous"),
        error_messages={"invalid_choice": _("Département inconnu.")},
    )
    year = forms.IntegerField(
        label=_("Année d'ouverture"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Indiquez une année, par exemple 2026.")},
    )
    overdue = forms.BooleanField(label=_("Seulement les étapes en retard"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["in_charge"].queryset = staff_people()

    def filter(self, cases):
        data = self.cleaned_data
        status = data.get("status")
        if status == "":
            cases = cases.active()
        elif status != "all":
            cases = cases.filter(status=status)
        if data.get("kind"):
            cases = cases.filter(kind=data["kind"])
        if data.get("in_charge"):
            cases = cases.filter(in_charge=data["in_charge"])
        if data.get("department"):
            cases = cases.filter(organisation__department=data["department"])
        if data.get("year"):
            cases = cases.filter(opened_on__year=data["year"])
        if data.get("overdue"):
            cases = cases.overdue()
        return cases


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Année"),
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Indiquez une année, par exemple 2026.")},
    )
