"""Who takes part in a project: organisations chosen from the directory, or named on the spot.

Choosing from the directory is an accessible search-and-select: each row has a search box and a
plain <select> of matching organisations. Without JavaScript, the "Chercher" button posts the
form back and the select comes back filled with the results (nothing is saved); with htmx, the
select is refilled as one types (views/edit.py `organisation_options`). An organisation missing
from the directory is created on the spot as a pending organisation, which goes to the
moderation queue like any proposal (services.add_pending_organisation)."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, BaseInlineFormSet, formset_factory, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.actors.search import search as search_organisations
from passerelles.projects.forms import FastSelect, StackedMixin
from passerelles.projects.models import Participation, Project
from passerelles.projects.validation import (
    NewOrganisationRules,
    ParticipationRules,
    duplicate_error,
)

OPTIONS_LIMIT = 20


def organisation_label(org: Organisation) -> str:
    place = org.place_label
    name = str(org)
    if org.status != Status.PUBLISHED:
        name += " — " + str(_("en attente de modération"))
    return f"{name} — {place}" if place else name


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


class ParticipationForm(StackedMixin, ParticipationRules, forms.ModelForm):
    """A participant (validation.ParticipationRules) with its search box."""

    search = forms.CharField(
        label=_("Chercher dans l'annuaire"),
        required=False,
        max_length=200,
        help_text=_("Nom, sigle, ville ou pays, puis « Chercher »."),
    )

    class Meta:
        model = Participation
        fields = ["organisation", "role", "note"]
        help_texts = {"note": _("Facultatif, ex. « formation des animatrices »")}

    def __init__(self, *args, user=None, own=(), **kwargs):
        instance = kwargs.get("instance")
        current = [instance.organisation_id] if instance and instance.organisation_id else []
        super().__init__(*args, user=user, current=current, **kwargs)
        self.user = user
        self.fields["organisation"].widget = OrganisationSelect()
        self.fields["note"].help_text = self.Meta.help_texts["note"]
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
        if message := duplicate_error(self.kept()):
            raise ValidationError(message, code="duplicate")

    def participations(self) -> list[dict]:
        return [
            {"organisation": d["organisation"], "role": d["role"], "note": d.get("note", "")}
            for d in self.kept()
        ]


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


class NewOrganisationForm(StackedMixin, NewOrganisationRules):
    """An organisation missing from the directory (validation.NewOrganisationRules)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].widget = FastSelect(choices=self.fields["country"].choices)


class BaseNewOrganisationFormSet(BaseFormSet):
    def kept(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.has_changed() and f.cleaned_data]


NewOrganisations = formset_factory(
    NewOrganisationForm, formset=BaseNewOrganisationFormSet, extra=1, max_num=20, validate_max=True
)
