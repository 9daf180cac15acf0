# SPDX-License-Identifier: AGPL-3.0-or-later
"""No form shows a label Django made up from an English field name (« Training : »)."""

import importlib
import inspect

from django import forms
from django.apps import apps

# Field names that are French words too: Django's label made from them reads right.
FRENCH_NAMES = {
    "client", "conditions", "date", "description", "formacode", "nature", "note", "notes", "session", "source", "type",
}  # fmt: skip
# Labelled when the form is built (the statement the signer ticks, L221-25 Code de la consommation).
LABELLED_AT_INIT = {"public.SignForm.express_request"}


def default_labels() -> list[str]:
    found = []
    for app in apps.get_app_configs():
        if not app.name.startswith("coopforma."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            for field_name, field in cls.base_fields.items():
                if isinstance(field.widget, forms.HiddenInput) or field_name in FRENCH_NAMES:
                    continue
                where = f"{app.label}.{name}.{field_name}"
                default = field_name.replace("_", " ")  # what Django shows without a label (« Training »)
                if where not in LABELLED_AT_INIT and (
                    field.label is None or str(field.label) in {default, default.capitalize()}
                ):
                    found.append(where)
    return found


def test_every_form_field_has_a_french_label():
    assert default_labels() == []
