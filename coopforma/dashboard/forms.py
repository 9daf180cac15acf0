# SPDX-License-Identifier: AGPL-3.0-or-later
import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopforma.dashboard.figures import Period

QUARTERS = [("", gettext_lazy("Toute l'année"))] + [
    (str(q), gettext_lazy("%(q)se trimestre") % {"q": q}) for q in range(1, 5)
]


class FiguresFilterForm(forms.Form):
    """A year, a quarter of it, or custom dates (which win), and a member structure."""

    year = forms.IntegerField(required=False, min_value=2000, max_value=2100, label=gettext_lazy("Année"))
    quarter = forms.ChoiceField(choices=QUARTERS, required=False, label=gettext_lazy("Trimestre"))
    start = forms.DateField(
        required=False, label=gettext_lazy("Du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        required=False, label=gettext_lazy("Au"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    member = forms.ModelChoiceField(
        queryset=None, required=False, label=gettext_lazy("Structure membre"), empty_label=gettext_lazy("Toutes")
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end):
            raise forms.ValidationError(_("Indiquez les deux dates de la période, ou aucune."))
        if start and end and end < start:
            raise forms.ValidationError(_("La fin de la période précède son début."))
        return data

    def period(self, today: dt.date) -> Period:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start") and data.get("end"):
            return Period(data["start"], data["end"])
        year = data.get("year") or today.year
        quarter = int(data["quarter"]) if data.get("quarter") else None
        if quarter is None:
            return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
        first = dt.date(year, 3 * quarter - 2, 1)
        after = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
        return Period(first, after - dt.timedelta(days=1))
