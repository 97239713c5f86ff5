"""Forms of the co-construction spaces. Each acting form carries `member`: the organisation
the person acts for (a person may act for several members of a space)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Status
from passerelles.actors.models import Organisation
from passerelles.cooperation.enums import Answer, ContributionKind, MemberRole, Vote
from passerelles.cooperation.models import (
    Amendment,
    College,
    CollegeTemplate,
    CooperationSpace,
    JoinRequest,
    PurposeVersion,
    SpaceMember,
)
from passerelles.cooperation.services import (
    MAX_OBJECTIVES,
    MONEY_NEEDS_VALUE,
    OBJECTIVE_MAX_LENGTH,
)
from passerelles.core.richtext import PlainTextField
from passerelles.core.text_limits import field_limit


class MemberForm(forms.Form):
    member = forms.ModelChoiceField(queryset=None, label=_("Au nom de"), empty_label=None)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        members = list(members or [])
        self.fields["member"].queryset = SpaceMember.objects.filter(
            pk__in=[m.pk for m in members]
        ).select_related("organisation")
        self.single_member = len(members) == 1
        if self.single_member:
            self.fields["member"].widget = forms.HiddenInput()
            self.fields["member"].initial = members[0].pk


def objectives_field(**kwargs):
    return PlainTextField(
        multiline=True,
        label=_("Objectifs"),
        help_text=_("Un objectif par ligne."),
        widget=forms.Textarea(attrs={"rows": 4}),
        # Every objective at its longest, one a line.
        max_length=MAX_OBJECTIVES * (OBJECTIVE_MAX_LENGTH + 1),
        **kwargs,
    )


def split_lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def objective_lines(value: str) -> list[str]:
    """The objectives typed one a line: at least one, each short enough, not too many."""
    lines = split_lines(value)
    if not lines:
        raise forms.ValidationError(_("Donnez au moins un objectif."))
    if len(lines) > MAX_OBJECTIVES:
        raise forms.ValidationError(
            _("%(count)s objectifs : %(limit)s au plus."),
            params={"count": len(lines), "limit": MAX_OBJECTIVES},
        )
    for number, line in enumerate(lines, 1):
        if len(line) > OBJECTIVE_MAX_LENGTH:
            raise forms.ValidationError(
                _(
                    "L'objectif n° %(number)s compte %(count)s caractères pour %(limit)s au "
                    "plus : raccourcissez-le ou partagez-le en deux lignes."
                ),
                params={"number": number, "count": len(line), "limit": OBJECTIVE_MAX_LENGTH},
            )
    return lines


class OpenSpaceForm(forms.Form):
    lead_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation qui anime"), empty_label=None
    )
    templates = forms.ModelMultipleChoiceField(
        queryset=CollegeTemplate.objects.all(),
        label=_("Collèges"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Vous pourrez les ajuster ensuite (quorum, collèges requis)."),
    )
    lead_college = forms.ModelChoiceField(
        queryset=CollegeTemplate.objects.all(),
        label=_("Collège de l'organisation qui anime"),
        empty_label=None,
    )
    min_there_percent = forms.IntegerField(
        label=_("Part minimale de membres de là-bas (%)"), min_value=0, max_value=100, initial=33
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = organisations
        self.fields["templates"].initial = [
            t.pk for t in CollegeTemplate.objects.filter(required_by_default=True)
        ]

    def clean(self):
        data = super().clean()
        if data.get("lead_college") and data.get("templates") is not None:
            if data["lead_college"] not in data["templates"]:
                self.add_error(
                    "lead_college", _("Cochez aussi ce collège dans la liste des collèges.")
                )
        return data


class GovernanceForm(forms.ModelForm):
    class Meta:
        model = CooperationSpace
        fields = [
            "min_there_percent",
            "review_months",
            "public_purpose",
            "public_members",
            "public_indicators",
            "listed",
        ]


class CollegeForm(forms.ModelForm):
    class Meta:
        model = College
        fields = ["name", "required", "quorum_kind", "quorum"]
        field_classes = {"name": PlainTextField}


class InviteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Organisation"),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    college = forms.ModelChoiceField(queryset=None, label=_("Collège"), empty_label=None)
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[
            (MemberRole.MEMBER, MemberRole.MEMBER.label),
            (MemberRole.OBSERVER, MemberRole.OBSERVER.label),
            (MemberRole.LEAD, MemberRole.LEAD.label),
        ],
    )

    def __init__(self, *args, space, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].queryset = space.colleges.all()
        self.fields["organisation"].queryset = candidates


def invite_candidates(space, query: str):
    """Published organisations, here or there, not already in the space (or left it)."""
    qs = Organisation.objects.filter(status=Status.PUBLISHED).exclude(
        space_memberships__space=space, space_memberships__status__in=["invited", "active"]
    )
    if query:
        qs = qs.filter(name__icontains=query) | qs.filter(acronym__iexact=query)
    return qs.select_related("country").order_by("sort_name", "name")


class StatementForm(MemberForm):
    text = PlainTextField(
        label=_("Énoncé"),
        max_length=280,
        help_text=_("Une phrase courte : « nous voulons que… »."),
    )


class VoteForm(MemberForm):
    vote = forms.ChoiceField(label=_("Avis"), choices=Vote.choices)


class VersionForm(MemberForm):
    text = PlainTextField(
        multiline=True,
        label=_("Raison d'être"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=field_limit(PurposeVersion, "text"),
    )
    objectives = objectives_field()
    note = PlainTextField(
        label=_("Ce qui change"), max_length=field_limit(PurposeVersion, "note"), required=False
    )

    def clean_objectives(self):
        return objective_lines(self.cleaned_data["objectives"])


class AmendmentForm(MemberForm):
    text = PlainTextField(
        multiline=True,
        label=_("Texte proposé"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=field_limit(Amendment, "text"),
    )
    objectives = objectives_field()
    rationale = PlainTextField(
        label=_("Pourquoi ce changement"),
        max_length=field_limit(Amendment, "rationale"),
        required=False,
    )

    def clean_objectives(self):
        return objective_lines(self.cleaned_data["objectives"])


class CommentForm(MemberForm):
    text = PlainTextField(
        multiline=True,
        label=_("Commentaire"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(MemberForm):
    answer = forms.ChoiceField(
        label=_("Votre réponse"),
        choices=Answer.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Consentement : je peux vivre avec ce texte. Objection : il nuirait au projet "
            "(raison obligatoire). Abstention : je ne bloque pas mais ne m'engage pas."
        ),
    )
    reason = PlainTextField(
        multiline=True,
        label=_("Raison"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour une objection : qu'est-ce qui empêche d'avancer ?"),
    )

    def __init__(self, *args, can_withdraw=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_withdraw:  # only a standing objection can be withdrawn
            self.fields["answer"].choices = [c for c in Answer.choices if c[0] != Answer.WITHDRAWN]

    def clean(self):
        data = super().clean()
        if data.get("answer") == Answer.OBJECTION and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Une objection doit être motivée : écrivez sa raison."))
        return data


class ActionForm(MemberForm):
    objective = forms.TypedChoiceField(label=_("Objectif de la raison d'être"), coerce=int)
    title = PlainTextField(label=_("Intitulé"), max_length=200)
    description = PlainTextField(
        multiline=True,
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead = forms.ModelChoiceField(queryset=None, label=_("Menée par"), empty_label=None)
    due_on = forms.DateField(
        label=_("Échéance"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        objectives = space.adopted_version.objectives if space.adopted_version else []
        self.fields["objective"].choices = list(enumerate(objectives))
        self.fields["lead"].queryset = space.members.active().select_related("organisation")


class ContributionForm(MemberForm):
    giver = forms.ModelChoiceField(queryset=None, label=_("Qui donne"), empty_label=None)
    receiver = forms.ModelChoiceField(queryset=None, label=_("Qui reçoit"), empty_label=None)
    kind = forms.ChoiceField(label=_("Nature"), choices=ContributionKind.choices)
    value_eur = forms.DecimalField(
        label=_("Valeur estimée (€)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("Obligatoire pour l'argent ; facultative pour le reste."),
    )
    description = PlainTextField(label=_("Quoi"), max_length=500)
    learned = PlainTextField(
        multiline=True,
        label=_("Ce que nous avons appris des autres"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    given_on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        members = space.members.active().select_related("organisation")
        self.fields["giver"].queryset = members
        self.fields["receiver"].queryset = members

    def clean(self):
        data = super().clean()
        if data.get("giver") and data.get("giver") == data.get("receiver"):
            self.add_error("receiver", _("Une organisation ne se donne pas à elle-même."))
        if data.get("kind") == ContributionKind.MONEY and data.get("value_eur") is None:
            self.add_error("value_eur", MONEY_NEEDS_VALUE)
        return data


class JoinRequestForm(forms.Form):
    """Asking to join a listed space, for one of the organisations the person acts for."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Au nom de"), empty_label=None
    )
    message = PlainTextField(
        multiline=True,
        required=False,
        label=_("Message aux membres de l'espace (facultatif)"),
        help_text=_("Ce que votre organisation apporterait, ce qu'elle en attend."),
        max_length=field_limit(JoinRequest, "message"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(organisations, list | tuple):
            # Already read by the page: only a choice list of several reads them again.
            ids = [o.pk for o in organisations]
            organisations = Organisation.objects.filter(pk__in=ids).order_by("name")
            self.single = len(ids) == 1
            first = ids[0] if ids else None
        else:
            self.single, first = False, None
        self.fields["organisation"].queryset = organisations
        if self.single:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = first


class JoinDecisionForm(forms.Form):
    college = forms.ModelChoiceField(
        queryset=College.objects.none(), label=_("Collège"), empty_label=None
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=[(r, r.label) for r in (MemberRole.MEMBER, MemberRole.OBSERVER)],
    )

    def __init__(self, *args, space=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].queryset = space.colleges.all()


class JoinRefusalForm(forms.Form):
    reason = PlainTextField(
        required=False,
        label=_("Motif (facultatif, transmis à l'organisation)"),
        max_length=field_limit(JoinRequest, "reason"),
    )
