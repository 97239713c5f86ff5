"""Staff forms to create and edit an event and its sessions (the product's own pages, so staff
need not go to the Django admin).

Times are typed and shown in Europe/Paris whatever the browser's or the server's zone: the
events happen in the region, and a partner abroad typing a time means the local time there."""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from passerelles.events.enums import RegistrationStatus
from passerelles.events.models import Event, Session

PARIS = ZoneInfo("Europe/Paris")
INPUT_FORMAT = "%Y-%m-%dT%H:%M"


class ParisDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=INPUT_FORMAT)


class ParisDateTimeField(forms.DateTimeField):
    """A date and time read and shown in Europe/Paris, not in the active time zone."""

    widget = ParisDateTimeInput
    default_error_messages = {
        "invalid": _("Date et heure invalides : choisissez le jour puis l'heure (HH:MM)."),
    }

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value, PARIS).replace(tzinfo=None)
        return value

    def to_python(self, value):
        with timezone.override(PARIS):
            try:
                return super().to_python(value)
            except ValidationError as error:
                if getattr(error, "code", "") == "ambiguous_timezone":
                    # The hour repeated or skipped when clocks change: say which hour to pick.
                    raise ValidationError(
                        _(
                            "Cette heure n'existe pas ou existe deux fois le jour du changement "
                            "d'heure : choisissez une heure voisine."
                        ),
                        code="ambiguous_timezone",
                    ) from error
                raise


def _local(value) -> str:
    return timezone.localtime(value, PARIS).strftime("%d/%m/%Y %H:%M")


class EventEditForm(forms.ModelForm):
    starts_at = ParisDateTimeField(label=_("Début"), help_text=_("Heure de Paris."))
    ends_at = ParisDateTimeField(label=_("Fin"), help_text=_("Heure de Paris."))
    online_url = forms.URLField(
        label=_("Lien de visioconférence"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("Pour suivre à distance, si prévu."),
    )
    registration_opens_at = ParisDateTimeField(
        label=_("Ouverture des inscriptions"),
        required=False,
        help_text=_("Vide : dès la publication."),
    )
    registration_closes_at = ParisDateTimeField(
        label=_("Clôture des inscriptions"),
        required=False,
        help_text=_("Vide : jusqu'à la fin de l'événement."),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "summary",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "address",
            "online_url",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "is_published",
            "meetings_enabled",
            "max_meetings",
        ]
        labels = {
            "title": _("Titre"),
            "kind": _("Type d'événement"),
            "summary": _("Résumé en une phrase"),
            "description": _("Présentation"),
            "place": _("Lieu"),
            "address": _("Adresse"),
            "capacity": _("Nombre de places"),
            "is_published": _("Publié : visible de tous et ouvert aux inscriptions"),
            "meetings_enabled": _("Rencontres one-to-one entre participant·es"),
            "max_meetings": _("Rencontres au plus par personne"),
        }
        # Plain names, the presentation edited as Markdown (core.richtext.RichTextField, whose
        # help says how to format).
        formfield_callback = Event.text_fields.formfield
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "capacity": forms.NumberInput(attrs={"min": 1}),
            "max_meetings": forms.NumberInput(attrs={"min": 1, "max": 50}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].validators.append(_min_one)
        # Confirmed people at load time; re-counted under lock when saving.
        self.confirmed = self.instance.confirmed_registrations_count() if self.instance.pk else 0

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and capacity < self.confirmed:
            raise ValidationError(capacity_error(self.confirmed), code="below_confirmed")
        return capacity

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("La fin doit être après le début de l'événement."))
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error(
                "registration_closes_at",
                _("La clôture des inscriptions doit suivre leur ouverture."),
            )
        if self.instance.pk and starts and ends and ends > starts:
            # Meeting slots already set must stay within the day, or the agendas would lie.
            outside = self.instance.slots.exclude(starts_at__gte=starts, ends_at__lte=ends)
            if outside.exists():
                self.add_error(
                    None,
                    _(
                        "Des créneaux de rencontres tombent hors de ces dates : changez "
                        "d'abord les créneaux (page « Gérer les rencontres »)."
                    ),
                )
        if opens and ends and opens >= ends:
            self.add_error(
                "registration_opens_at",
                _("Les inscriptions doivent ouvrir avant la fin de l'événement."),
            )
        return cleaned

    def _post_clean(self):
        # The model's clean repeats our checks in a less precise wording: keep ours only.
        errors_before = set(self.errors)
        super()._post_clean()
        for name in ("ends_at", "registration_closes_at"):
            if name in errors_before and len(self.errors.get(name, [])) > 1:
                del self.errors[name][1:]


def _min_one(value):
    if value is not None and value < 1:
        raise ValidationError(_("Au moins une place, ou laissez vide pour ne pas limiter."))


def capacity_error(confirmed: int) -> str:
    return ngettext(
        "%(count)s inscription est déjà confirmée : le nombre de places ne peut pas "
        "descendre en dessous. Annulez d'abord des inscriptions, ou laissez vide pour ne "
        "pas limiter.",
        "%(count)s inscriptions sont déjà confirmées : le nombre de places ne peut pas "
        "descendre en dessous. Annulez d'abord des inscriptions, ou laissez vide pour ne "
        "pas limiter.",
        confirmed,
    ) % {"count": confirmed}


class SessionForm(forms.ModelForm):
    starts_at = ParisDateTimeField(label=_("Début"))
    ends_at = ParisDateTimeField(label=_("Fin"))

    class Meta:
        model = Session
        fields = ["title", "starts_at", "ends_at", "room", "capacity"]
        labels = {
            "title": _("Titre de la session"),
            "room": _("Salle"),
            "capacity": _("Places (vide : sans limite)"),
        }
        widgets = {"capacity": forms.NumberInput(attrs={"min": 1})}
        formfield_callback = Session.text_fields.formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].validators.append(_min_one)
        # Annotated by the formset's queryset: no query per session.
        self.taken = getattr(self.instance, "taken_count", 0) if self.instance.pk else 0

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and capacity < self.taken:
            raise ValidationError(
                ngettext(
                    "%(count)s personne est déjà inscrite à cette session : pas moins de "
                    "places que cela.",
                    "%(count)s personnes sont déjà inscrites à cette session : pas moins de "
                    "places que cela.",
                    self.taken,
                )
                % {"count": self.taken},
                code="below_registered",
            )
        return capacity

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("La fin de la session doit être après son début."))
        return cleaned

    def _post_clean(self):
        had_error = "ends_at" in self.errors
        super()._post_clean()
        if had_error and len(self.errors.get("ends_at", [])) > 1:
            del self.errors["ends_at"][1:]


class BaseSessionFormSet(BaseInlineFormSet):
    """Sessions must fall within the event's dates (read from the event form, already
    cleaned onto `self.instance` by the view)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        live = Q(
            registrations__status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
        )
        self.queryset = self.queryset.annotate(taken_count=Count("registrations", filter=live))

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Supprimer cette session")

    def clean(self):
        super().clean()
        event = self.instance
        kept_back = []
        for form in self.forms:
            # Existing sessions are checked even unchanged: the event's dates may have moved.
            if not hasattr(form, "cleaned_data") or not (form.instance.pk or form.has_changed()):
                continue
            if self.can_delete and self._should_delete_form(form):
                # A deleted row's own errors are ignored by formsets: report on the formset.
                if form.taken:
                    kept_back.append(
                        ngettext(
                            "La session « %(title)s » compte %(count)s inscrit·e : elle ne "
                            "peut pas être supprimée. Modifiez-la plutôt.",
                            "La session « %(title)s » compte %(count)s inscrit·es : elle ne "
                            "peut pas être supprimée. Modifiez-la plutôt.",
                            form.taken,
                        )
                        % {"title": form.instance.title, "count": form.taken}
                    )
                continue
            starts, ends = form.cleaned_data.get("starts_at"), form.cleaned_data.get("ends_at")
            if event.starts_at and starts and starts < event.starts_at:
                form.add_error(
                    "starts_at",
                    _("La session commence avant l'événement (début : %(date)s).")
                    % {"date": _local(event.starts_at)},
                )
            if event.ends_at and ends and ends > event.ends_at:
                form.add_error(
                    "ends_at",
                    _("La session finit après l'événement (fin : %(date)s).")
                    % {"date": _local(event.ends_at)},
                )
        if kept_back:
            raise ValidationError(kept_back)


SessionFormSet = inlineformset_factory(
    Event,
    Session,
    form=SessionForm,
    formset=BaseSessionFormSet,
    extra=2,
    can_delete=True,
    max_num=60,
    validate_max=True,
)
