from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Family
from passerelles.actors.models import Organisation
from passerelles.core.antispam import HoneypotMixin
from passerelles.core.richtext import PlainTextField
from passerelles.core.text_limits import field_limit
from passerelles.events.enums import Priority
from passerelles.events.models import MeetingProfile, Registration

PERSONAL = "personal"


class RegistrationForm(HoneypotMixin, forms.Form):
    name = PlainTextField(label=_("Nom et prénom"), max_length=150)
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        help_text=_("Vous y recevrez la confirmation et le lien pour gérer votre inscription."),
    )
    # For whom a signed-in member comes: one of their organisations or in their own name. A
    # radio list rather than a select with an empty default, so that a member is recorded for
    # their organisation unless they say otherwise (docs/decisions.md, events).
    organisation = forms.ChoiceField(
        label=_("Vous venez pour"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Dites pour quelle organisation vous venez.")},
    )
    organisation_name = PlainTextField(
        label=_("Autre organisation"),
        max_length=200,
        required=False,
        help_text=_("Si votre organisation n'est pas dans l'annuaire. Vide : à titre citoyen."),
    )
    accessibility_needs = PlainTextField(
        multiline=True,
        label=_("Besoins d'accessibilité"),
        required=False,
        max_length=field_limit(Registration, "accessibility_needs"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Mobilité, audition, vue, alimentation, interprétariat… Seule l'équipe le lit."
        ),
    )
    sessions = forms.ModelMultipleChoiceField(
        label=_("Sessions qui vous intéressent"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, event, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.organisations = {}
        if user.is_authenticated:
            self.organisations = {
                str(org.pk): org
                for org in Organisation.objects.filter(memberships__user=user)
                .distinct()
                .order_by("sort_name", "name")
            }
            self.fields["name"].initial = user.full_name
            self.fields["email"].initial = user.email
        if self.organisations:
            field = self.fields["organisation"]
            field.choices = [
                *((pk, org.name) for pk, org in self.organisations.items()),
                (PERSONAL, _("En mon nom (citoyen·ne) ou une autre organisation")),
            ]
            # One organisation: chosen for them. Several: they are asked which one.
            if len(self.organisations) == 1:
                field.initial = next(iter(self.organisations))
        else:
            del self.fields["organisation"]
        sessions = event.sessions.all()
        self.fields["sessions"].queryset = sessions
        self.fields["sessions"].label_from_instance = _session_label
        if not sessions.exists():
            del self.fields["sessions"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_organisation(self):
        """The Organisation chosen, or None for "in my own name"."""
        return self.organisations.get(self.cleaned_data["organisation"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organisation"):
            cleaned["organisation_name"] = ""
        return cleaned


def _session_label(session) -> str:
    start = timezone.localtime(session.starts_at)
    label = f"{start:%H:%M} — {session.title}"
    if session.room:
        label += f" ({session.room})"
    return label


class MeetingProfileForm(forms.ModelForm):
    available_slots = forms.ModelMultipleChoiceField(
        label=_("Créneaux où je suis disponible"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Décochez les créneaux où vous serez ailleurs (un atelier, un train…)."),
    )

    class Meta:
        model = MeetingProfile
        fields = ["offers", "seeks"]
        # Plain text on several lines (one offer or need a line), read by the matching.
        formfield_callback = MeetingProfile.text_fields.formfield
        widgets = {
            # As long as the organisation's offers and needs they start from (the model's
            # max_length, also set on the box).
            "offers": forms.Textarea(attrs={"rows": 4}),
            "seeks": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["available_slots"].queryset = slots
        self.fields["available_slots"].label_from_instance = str
        profile = self.instance
        if profile.limited_availability:
            self.fields["available_slots"].initial = list(
                profile.registration.availabilities.values_list("slot_id", flat=True)
            )
        else:
            self.fields["available_slots"].initial = list(slots.values_list("pk", flat=True))
        if not slots.exists():
            del self.fields["available_slots"]


WORLD_CHOICES = [
    ("", _("Tous")),
    ("ess", _("Économie sociale et solidaire")),
    ("si", _("Solidarité internationale")),
    ("there", _("Partenaires à l'étranger")),
]


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom, organisation, mot-clé"), required=False, max_length=100)
    world = forms.ChoiceField(label=_("Monde"), choices=WORLD_CHOICES, required=False)
    family = forms.ChoiceField(
        label=_("Famille d'acteurs"), choices=[("", _("Toutes")), *Family.choices], required=False
    )
    theme = forms.ChoiceField(label=_("Thème"), choices=[("", _("Tous"))], required=False)
    country = forms.ChoiceField(label=_("Pays d'action"), choices=[("", _("Tous"))], required=False)

    def __init__(self, *args, themes=(), countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Tous")), *[(t.slug, t.name) for t in themes]]
        self.fields["country"].choices = [("", _("Tous")), *[(c.code, c.name) for c in countries]]

    def filter(self, registrations):
        if not self.is_valid():
            return registrations
        data = self.cleaned_data
        if data["q"]:
            registrations = registrations.search(data["q"])
        world = data["world"]
        if world == "ess":
            registrations = registrations.filter(organisation__is_ess=True)
        elif world == "si":
            registrations = registrations.filter(organisation__is_si=True)
        elif world == "there":
            registrations = registrations.filter(organisation__side="there")
        if data["family"]:
            registrations = registrations.filter(organisation__family=data["family"])
        if data["theme"]:
            registrations = registrations.filter(organisation__themes__slug=data["theme"])
        if data["country"]:
            # Acting in the country, or seated there (partners abroad).
            registrations = registrations.filter(
                Q(organisation__countries_of_action=data["country"])
                | Q(organisation__country_id=data["country"])
            )
        return registrations.distinct()


class RequestForm(forms.Form):
    priority = forms.ChoiceField(choices=[("", _("aucune")), *Priority.choices], required=False)


class SlotGeneratorForm(forms.Form):
    start = forms.DateTimeField(
        label=_("Début du premier créneau"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    count = forms.IntegerField(label=_("Nombre de créneaux"), min_value=1, max_value=48, initial=8)
    minutes = forms.IntegerField(
        label=_("Durée d'un créneau (minutes)"), min_value=5, max_value=240, initial=20
    )
    pause = forms.IntegerField(
        label=_("Pause entre deux créneaux (minutes)"), min_value=0, max_value=120, initial=5
    )


class TablesForm(forms.Form):
    count = forms.IntegerField(label=_("Nombre de tables"), min_value=1, max_value=500)


class RunForm(forms.Form):
    time_limit = forms.IntegerField(
        label=_("Temps de calcul maximal (secondes)"), min_value=1, max_value=120, initial=20
    )
    replan_all = forms.BooleanField(
        label=_("Tout replanifier"),
        help_text=_(
            "Sans cette case, les rencontres déjà prévues restent à leur place et seules les "
            "nouvelles demandes sont placées. Avec, les rencontres prévues peuvent être "
            "déplacées ou retirées (les rencontres verrouillées et tenues restent)."
        ),
        required=False,
    )
