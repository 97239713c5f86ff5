"""Who takes part in a project: organisations chosen from the directory, or named on the spot.

Choosing from the directory is an accessible search-and-select: each row has a search box and a
plain <select> of matching organisations. Without JavaScript, the "Chercher" button posts the
form back and the select comes back filled with the results (nothing is saved); with htmx, the
select is refilled as one types (views/edit.py `organisation_options`). An organisation missing
from the directory is created on the spot as a pending organisation, which goes to the
moderation queue like any proposal (services.add_pending_organisation)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import BaseFormSet, BaseInlineFormSet, formset_factory, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Family, Status
from passerelles.actors.family_guess import guess_family
from passerelles.actors.models import Organisation
from passerelles.actors.search import search as search_organisations
from passerelles.actors.validation import lookup_communes
from passerelles.geo.models import Country
from passerelles.projects.enums import EDITING_ROLES, ParticipationRole
from passerelles.projects.forms import FastSelect, StackedMixin, refuse_markup
from passerelles.projects.models import Participation, Project

OPTIONS_LIMIT = 20


def organisation_label(org: Organisation) -> str:
    place = org.place_label
    name = str(org)
    if org.status != Status.PUBLISHED:
        name += " — " + str(_("en attente de modération"))
    return f"{name} — {place}" if place else name


def selectable_organisations(user, extra_ids=()):
    """Organisations a participant may be chosen among: the published directory, the ones the
    user acts for (even pending) and those already in the project."""
    mine = Q(memberships__user=user) if user.is_authenticated else Q(pk__in=[])
    qs = Organisation.objects.exclude(status=Status.ARCHIVED)
    return qs.filter(Q(status=Status.PUBLISHED) | mine | Q(pk__in=list(extra_ids)))


def search_options(user, query: str, limit: int = OPTIONS_LIMIT) -> list[Organisation]:
    """Best matches for a search box, from the published directory."""
    query = (query or "").strip()
    if not query:
        return []
    qs = search_organisations(Organisation.objects.published(), query)
    return list(qs.select_related("commune", "country")[:limit])


def own_organisations(user) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(memberships__user=user)
        .exclude(status=Status.ARCHIVED)
        .select_related("commune", "country")
        .order_by("sort_name", "name")
    )


class OrganisationSelect(FastSelect):
    """A select whose options are set per row (search results), never the whole directory."""


class ParticipationForm(StackedMixin, forms.ModelForm):
    search = forms.CharField(
        label=_("Chercher dans l'annuaire"),
        required=False,
        max_length=200,
        help_text=_("Nom, sigle, ville ou pays, puis « Chercher »."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=OrganisationSelect,
        error_messages={
            "invalid_choice": _(
                "Cette organisation n'est pas dans l'annuaire publié : cherchez-la à nouveau."
            )
        },
    )

    class Meta:
        model = Participation
        fields = ["organisation", "role", "note"]
        help_texts = {"note": _("Facultatif, ex. « formation des animatrices »")}

    def __init__(self, *args, user=None, own=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        current = [self.instance.organisation_id] if self.instance.organisation_id else []
        self.fields["organisation"].queryset = selectable_organisations(user, current)
        self.fields["role"].choices = [("", "—"), *ParticipationRole.choices]
        # The options shown: the row's current organisation, the user's own, the results of
        # what was typed in the search box (a posted search, with or without JavaScript).
        options: dict[int, Organisation] = {}
        if self.instance.organisation_id:
            options[self.instance.organisation_id] = self.instance.organisation
        chosen = self.data.get(self.add_prefix("organisation")) if self.is_bound else None
        if chosen and str(chosen).isdigit() and int(chosen) not in options:
            org = self.fields["organisation"].queryset.filter(pk=int(chosen)).first()
            if org is not None:
                options[org.pk] = org
        query = self.data.get(self.add_prefix("search"), "") if self.is_bound else ""
        self.results = search_options(user, query) if query else []
        for org in [*own, *self.results]:
            options.setdefault(org.pk, org)
        self.fields["organisation"].widget.choices = [("", "—")] + [
            (pk, organisation_label(org)) for pk, org in options.items()
        ]
        self.searched = bool(query)

    def has_changed(self):
        # Typing in the search box alone is not a participation: it only refills the list.
        return bool(set(self.changed_data) - {"search"})

    def clean_note(self):
        return refuse_markup(self.cleaned_data.get("note", "").strip())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE"):
            return cleaned
        if not cleaned.get("organisation") and "organisation" not in self.errors:
            self.add_error(
                "organisation",
                _("Choisissez l'organisation dans la liste (cherchez-la d'abord par son nom)."),
            )
        if not cleaned.get("role") and "role" not in self.errors:
            self.add_error("role", _("Choisissez le rôle de cette organisation."))
        return cleaned

    def validate_unique(self):
        # Duplicates are reported once, by the formset, in words.
        pass


class BaseParticipationFormSet(BaseInlineFormSet):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        self.own = own_organisations(user) if user is not None else []
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        return (
            super().get_queryset().select_related("organisation__commune", "organisation__country")
        )

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "user": self.user, "own": self.own}

    def kept(self) -> list[dict]:
        """Cleaned data of the rows that stay (not deleted, not blank)."""
        return [
            f.cleaned_data
            for f in self.forms
            if f.has_changed() or f.instance.pk
            if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = set()
        for data in self.kept():
            key = (data["organisation"].pk, data["role"])
            if key in seen:
                raise ValidationError(
                    _("« %(name)s » figure deux fois avec le rôle « %(role)s »."),
                    params={
                        "name": data["organisation"],
                        "role": ParticipationRole(data["role"]).label,
                    },
                    code="duplicate",
                )
            seen.add(key)


Participations = inlineformset_factory(
    Project,
    Participation,
    form=ParticipationForm,
    formset=BaseParticipationFormSet,
    extra=2,
    can_delete=True,
    max_num=60,
    validate_max=True,
)


# -- organisations named on the spot ------------------------------------------------------


class NewOrganisationForm(StackedMixin, forms.Form):
    """An organisation missing from the directory: created pending, sent to moderation, and
    optionally its contact invited to complete its page."""

    name = forms.CharField(label=_("Nom de l'organisation"), max_length=200, required=False)
    family = forms.ChoiceField(
        label=_("Famille d'acteurs"),
        choices=[("", "—"), *Family.choices],
        required=False,
        help_text=_("Pour une organisation à l'étranger, laissez vide."),
    )
    country = forms.ModelChoiceField(
        label=_("Pays"),
        queryset=Country.objects.all(),
        initial="FR",
        required=False,
        empty_label="—",
        widget=FastSelect,
    )
    commune = forms.CharField(
        label=_("Commune (en France)"),
        required=False,
        max_length=120,
        help_text=_("Nom ou code INSEE."),
    )
    locality = forms.CharField(label=_("Localité (à l'étranger)"), required=False, max_length=120)
    role = forms.ChoiceField(
        label=_("Rôle dans le projet"),
        choices=[("", "—"), *ParticipationRole.choices],
        required=False,
    )
    invite_email = forms.EmailField(
        label=_("Inviter par e-mail à compléter sa fiche (facultatif)"),
        required=False,
        help_text=_("Nous lui écrivons une fois ; l'adresse n'est pas publiée."),
        error_messages={"invalid": _("Adresse e-mail invalide, ex. contact@exemple.org.")},
    )

    def has_changed(self):
        # The country select starts on France: that alone is not a new organisation.
        return bool(set(self.changed_data) - {"country"})

    def clean_name(self):
        return refuse_markup(self.cleaned_data.get("name", "").strip())

    def clean_locality(self):
        return refuse_markup(self.cleaned_data.get("locality", "").strip())

    def clean(self):
        cleaned = super().clean()
        if not self.has_changed():
            return cleaned
        if not cleaned.get("name"):
            self.add_error("name", _("Indiquez le nom de l'organisation."))
        if not cleaned.get("role"):
            self.add_error("role", _("Choisissez son rôle dans le projet."))
        country = cleaned.get("country")
        if country is None:
            self.add_error("country", _("Choisissez le pays de l'organisation."))
            return cleaned
        if country.code == "FR":
            if not cleaned.get("family"):
                self.add_error("family", _("Choisissez la famille d'acteurs."))
            text = cleaned.get("commune", "").strip()
            found = lookup_communes(text) if text else []
            if not text:
                self.add_error("commune", _("Indiquez la commune de l'organisation en France."))
            elif len(found) != 1:
                self.add_error(
                    "commune",
                    _("Commune inconnue : « %(text)s ». Écrivez son nom exact ou son code INSEE.")
                    % {"text": text}
                    if not found
                    else _("Plusieurs communes s'appellent « %(text)s » : indiquez le code INSEE.")
                    % {"text": text},
                )
            else:
                cleaned["commune_obj"] = found[0]
        else:
            # A partner abroad is typed like everyone else: the family chosen, else guessed
            # from its name (the organisation is pending: staff check it in moderation).
            if not cleaned.get("family"):
                cleaned["family"] = guess_family(cleaned.get("name", ""))[0]
            if cleaned.get("commune"):
                self.add_error(
                    "commune", _("Une organisation à l'étranger n'a pas de commune française.")
                )
            if not cleaned.get("locality"):
                self.add_error("locality", _("Indiquez la ville ou la localité à l'étranger."))
        return cleaned


class BaseNewOrganisationFormSet(BaseFormSet):
    def kept(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.has_changed() and f.cleaned_data]


NewOrganisations = formset_factory(
    NewOrganisationForm, formset=BaseNewOrganisationFormSet, extra=1, max_num=20, validate_max=True
)


def names_one_of_own(user, participations: list[dict], own_ids: set[int]) -> bool:
    """True when one kept participation names an organisation the user acts for as lead or
    partner: otherwise a member would lose the right to edit the project they just saved."""
    return any(
        data["organisation"].pk in own_ids and data["role"] in EDITING_ROLES
        for data in participations
    )
