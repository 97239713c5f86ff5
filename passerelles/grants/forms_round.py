"""Staff's form to open a small-grant round: the call's rules, its scoring grid and its jury.

The grid and the jury are typed as lines of text ("Impact ; 2", one e-mail per line) rather
than as formsets: a round has a handful of criteria and jurors, and a textarea is quicker to
fill on any screen and reads back exactly as typed when something needs correcting."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passerelles.actors.enums import Family
from passerelles.events.forms_edit import ParisDateTimeField
from passerelles.grants.models import AMOUNT

MAX_CRITERIA = 12
MAX_JURORS = 20


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Titre de l'appel"), max_length=200)
    description = forms.CharField(
        label=_("Présentation"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce que l'appel soutient et pour qui, en quelques phrases."),
    )
    budget = forms.DecimalField(
        label=_("Budget de l'appel (€)"),
        min_value=Decimal(1),
        max_digits=AMOUNT["max_digits"],
        decimal_places=AMOUNT["decimal_places"],
    )
    deadline = ParisDateTimeField(label=_("Date limite de dépôt"), help_text=_("Heure de Paris."))
    eligible_families = forms.MultipleChoiceField(
        label=_("Familles éligibles"),
        choices=Family.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : toutes les familles peuvent candidater."),
    )
    amount_max = forms.DecimalField(
        label=_("Montant maximum par candidature (€)"),
        min_value=Decimal(1),
        max_digits=AMOUNT["max_digits"],
        decimal_places=AMOUNT["decimal_places"],
        required=False,
    )
    min_cofunding = forms.IntegerField(
        label=_("Cofinancement minimum (% du budget du projet)"),
        min_value=0,
        max_value=100,
        initial=0,
    )
    report_months = forms.IntegerField(
        label=_("Délai du rapport final (mois après la décision)"),
        min_value=1,
        max_value=36,
        initial=12,
    )
    criteria = forms.CharField(
        label=_("Grille de notation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Un critère par ligne, suivi de son poids après un point-virgule, par exemple "
            "« Qualité du partenariat ; 2 ». Sans poids, le critère pèse 1."
        ),
    )
    jurors = forms.CharField(
        label=_("Jury"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "L'adresse e-mail de chaque juré, une par ligne ; chacun doit avoir un compte."
        ),
    )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.now():
            raise ValidationError(_("La date limite doit être dans le futur."))
        return deadline

    def clean_criteria(self):
        criteria = []
        for number, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not line.strip():
                continue
            label, _sep, weight = line.partition(";")
            label, weight = label.strip(), weight.strip() or "1"
            if not label:
                raise ValidationError(
                    _("Ligne %(number)s : le nom du critère manque.") % {"number": number}
                )
            if len(label) > 200:
                raise ValidationError(
                    _("Ligne %(number)s : le nom du critère dépasse 200 caractères.")
                    % {"number": number}
                )
            if not weight.isdigit() or not 1 <= int(weight) <= 10:
                raise ValidationError(
                    _("Ligne %(number)s : le poids « %(weight)s » doit être un nombre de 1 à 10.")
                    % {"number": number, "weight": weight[:20]}
                )
            criteria.append((label, int(weight)))
        if not criteria:
            raise ValidationError(_("Donnez au moins un critère."))
        if len(criteria) > MAX_CRITERIA:
            raise ValidationError(
                _("Au plus %(max)s critères : la grille doit rester lisible par le jury.")
                % {"max": MAX_CRITERIA}
            )
        return criteria

    def clean_jurors(self):
        emails = [line.strip().lower() for line in self.cleaned_data["jurors"].splitlines()]
        emails = list(dict.fromkeys(e for e in emails if e))
        if len(emails) > MAX_JURORS:
            raise ValidationError(_("Au plus %(max)s jurés.") % {"max": MAX_JURORS})
        users = {
            user.email: user
            for user in get_user_model().objects.filter(is_active=True, email__in=emails)
        }
        unknown = [email for email in emails if email not in users]
        if unknown:
            raise ValidationError(
                _("Aucun compte actif pour : %(emails)s.")
                % {"emails": ", ".join(e[:80] for e in unknown)}
            )
        return [users[email] for email in emails]
