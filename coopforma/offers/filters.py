# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public map's filters, read from a query string (the page's GET form and the API share them): each bad value
is refused with a French message naming the field, nothing else is read."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopforma.catalogue.models import Modality
from coopforma.offers import geo
from coopforma.offers.models import ExperienceMode

MAX_QUERY = 200
MAX_KM = 500
DEFAULT_KM = 30
MAX_PAGE = 10_000
TRUE = {"1", "true", "oui", "yes", "on"}
FALSE = {"0", "false", "non", "no", "off"}
QUALIOPI = {
    "yes": gettext_lazy("Certifié Qualiopi"),
    "no": gettext_lazy("Non certifié Qualiopi"),
    "unknown": gettext_lazy("Qualiopi : inconnu"),
}
# The names of the query string (French on the page and in the API: `departement`, `from`, `to`).
PARAMETERS = ["q", "region", "departement", "modality", "certifying", "cpf", "qualiopi", "mode", "competency",
              "from", "to", "near", "km", "page"]  # fmt: skip
# A competency's code in the network's référentiel (M1-C2, S4-C1): checked for its shape here, looked up by the map.
COMPETENCY_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,29}")


@dataclass(frozen=True)
class MapFilters:
    q: str = ""
    region: str = ""
    departement: str = ""
    modality: str = ""
    certifying: bool | None = None
    cpf: bool | None = None
    qualiopi: str = ""
    mode: str = ""
    competency: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    near: geo.Commune | None = None
    km: int = DEFAULT_KM
    page: int = 1

    def without(self, name: str) -> MapFilters:
        """The same filters but one (a facet's counts ignore its own choice)."""
        default = MapFilters()
        return replace(self, **{name: getattr(default, name)})

    @property
    def is_empty(self) -> bool:
        default = MapFilters()
        return all(getattr(self, f.name) == getattr(default, f.name) for f in fields(self) if f.name != "page")

    def query_string(self, **changes: Any) -> str:
        """The filters as a query string (the pages' links), with some changed."""
        from urllib.parse import urlencode

        values = {
            "q": self.q,
            "region": self.region,
            "departement": self.departement,
            "modality": self.modality,
            "certifying": "" if self.certifying is None else ("oui" if self.certifying else "non"),
            "cpf": "" if self.cpf is None else ("oui" if self.cpf else "non"),
            "qualiopi": self.qualiopi,
            "mode": self.mode,
            "competency": self.competency,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "near": self.near.label if self.near else "",
            "km": str(self.km) if self.near else "",
            "page": str(self.page) if self.page > 1 else "",
        }
        values.update({k: str(v) for k, v in changes.items()})
        return urlencode({k: v for k, v in values.items() if v})


def _flag(value: str, name: str, errors: dict[str, str]) -> bool | None:
    value = value.strip().lower()
    if not value:
        return None
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    errors[name] = _("« %(name)s » vaut « oui » ou « non ».") % {"name": name}
    return None


def _date(value: str, name: str, errors: dict[str, str]) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        errors[name] = _("« %(name)s » : la date s'écrit AAAA-MM-JJ (par exemple 2026-09-01).") % {"name": name}
        return None
    if not 2000 <= day.year <= 2100:
        errors[name] = _("« %(name)s » : une date entre 2000 et 2100.") % {"name": name}
        return None
    return day


def _int(value: str, name: str, low: int, high: int, default: int, errors: dict[str, str]) -> int:
    value = value.strip()
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        errors[name] = _("« %(name)s » : un nombre entier de %(low)s à %(high)s.") % {
            "name": name,
            "low": low,
            "high": high,
        }
        return default
    return int(value)


def parse(params: Mapping[str, Any]) -> MapFilters:
    """Read the filters; raise ValidationError({parameter: French message}) on the first bad values."""

    def get(name: str) -> str:
        value = params.get(name, "")
        return "" if value is None else str(value)

    errors: dict[str, str] = {}
    q = " ".join(get("q").split())
    if len(q) > MAX_QUERY:
        errors["q"] = _("« q » : %(max)s caractères au plus.") % {"max": MAX_QUERY}
    region = get("region").strip()
    if region and not geo.region_name(region):
        errors["region"] = _("« region » : « %(value)s » n'est pas un code de région (53 pour la Bretagne).") % {
            "value": region[:20]
        }
    departement = get("departement").strip().upper()
    if departement and not geo.departement_name(departement):
        errors["departement"] = _("« departement » : « %(value)s » n'est pas un code de département (35).") % {
            "value": departement[:20]
        }
    modality = get("modality").strip()
    if modality and modality not in Modality.values:
        errors["modality"] = _("« modality » : choisissez parmi %(values)s.") % {"values": ", ".join(Modality.values)}
    mode = get("mode").strip()
    if mode and mode not in ExperienceMode.values:
        errors["mode"] = _("« mode » : choisissez parmi %(values)s.") % {"values": ", ".join(ExperienceMode.values)}
    competency = get("competency").strip()
    if competency and not COMPETENCY_CODE.fullmatch(competency):
        errors["competency"] = _("« competency » : le code d'une compétence du référentiel du réseau (M1-C2).")
    qualiopi = get("qualiopi").strip().lower()
    if qualiopi and qualiopi not in QUALIOPI:
        errors["qualiopi"] = _("« qualiopi » vaut « yes », « no » ou « unknown ».")
    certifying = _flag(get("certifying"), "certifying", errors)
    cpf = _flag(get("cpf"), "cpf", errors)
    date_from = _date(get("from"), "from", errors)
    date_to = _date(get("to"), "to", errors)
    if date_from and date_to and date_to < date_from:
        errors["to"] = _("« to » : la date de fin est avant la date de début.")
    near_text = get("near").strip()
    near = None
    if near_text:
        near = geo.find_commune(near_text[:100])
        if near is None:
            message = _("« near » : aucune commune ne s'appelle « %(value)s » (nom, code postal ou code INSEE).")
            errors["near"] = message % {"value": near_text[:100]}
    km = _int(get("km"), "km", 1, MAX_KM, DEFAULT_KM, errors)
    page = _int(get("page"), "page", 1, MAX_PAGE, 1, errors)
    if errors:
        raise ValidationError(errors)
    return MapFilters(
        q=q,
        region=region,
        departement=departement,
        modality=modality,
        certifying=certifying,
        cpf=cpf,
        qualiopi=qualiopi,
        mode=mode,
        competency=competency,
        date_from=date_from,
        date_to=date_to,
        near=near,
        km=km,
        page=page,
    )
