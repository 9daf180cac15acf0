# SPDX-License-Identifier: AGPL-3.0-or-later
"""Form helpers shared by every app: money in cents, service errors shown inline."""

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from coopforma.core.money import cents_to_input, parse_euros


def date_input() -> forms.DateInput:
    """The browser's date picker; the value is written in ISO form, the only one <input type=date> reads."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MoneyField(forms.CharField):
    """Typed in euros ('1 250,00'), cleaned to integer cents."""

    def __init__(self, *, min_cents: int | None = 0, **kwargs: Any) -> None:
        self.min_cents = min_cents
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0,00"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return cents_to_input(value)
        return value

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        cents = parse_euros(value)
        if self.min_cents is not None and cents < self.min_cents:
            raise ValidationError(_("Le montant ne peut pas être négatif."), code="amount_negative")
        return cents


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names; a refusal on a field the form does not have
    (issuing checks the draft's recipient, lines…) goes at the top, as the service's French sentence alone (the
    field's name is our code, never shown)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            if field == NON_FIELD_ERRORS:
                target = None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)
