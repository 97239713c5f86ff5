"""Form fields shared across apps."""

from django import forms
from django.core.exceptions import ValidationError


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """ModelMultipleChoiceField that treats an out-of-range integer key as an invalid choice.

    Django passes the submitted keys straight to the database; on SQLite a number past 64 bits
    raises OverflowError (a 500) instead of the field's own "not one of the choices" message."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            # The same message PostgreSQL's path gives: the key simply matches no choice.
            too_big = next(
                v for v in value if str(v).lstrip("-").isdigit() and abs(int(v)) >= 2**63
            )
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": too_big},
            ) from None
