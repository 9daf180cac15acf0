# SPDX-License-Identifier: AGPL-3.0-or-later
"""French identifiers: SIREN, SIRET (Luhn, INSEE), NDA (11 digits, Code du travail L6351-1), NSF, RNCP/RS."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

_SPACES = re.compile(r"[\s.\-]")


def compact(value: str) -> str:
    return _SPACES.sub("", value or "")


def validate_siren(value: str) -> None:
    """SIREN: 9 digits, Luhn checksum (INSEE)."""
    number = compact(value)
    if not re.fullmatch(r"\d{9}", number):
        raise ValidationError(
            _("Le SIREN doit compter 9 chiffres (reçu : « %(value)s »)."),
            code="siren_format",
            params={"value": value},
        )
    if not stdnum_siren.is_valid(number):
        raise ValidationError(
            _("Le SIREN « %(value)s » n'est pas valide (clé de contrôle Luhn incorrecte)."),
            code="siren_checksum",
            params={"value": value},
        )


def validate_siret(value: str) -> None:
    """SIRET: 14 digits = SIREN + NIC, Luhn checksum (La Poste's establishments excepted, as INSEE does)."""
    number = compact(value)
    if not re.fullmatch(r"\d{14}", number):
        raise ValidationError(
            _("Le SIRET doit compter 14 chiffres (reçu : « %(value)s »)."),
            code="siret_format",
            params={"value": value},
        )
    if not stdnum_siret.is_valid(number):
        raise ValidationError(
            _("Le SIRET « %(value)s » n'est pas valide (clé de contrôle Luhn incorrecte)."),
            code="siret_checksum",
            params={"value": value},
        )


def validate_nda(value: str) -> None:
    """Numéro de déclaration d'activité: 11 digits (Code du travail L6351-1; no published checksum)."""
    number = compact(value)
    if not re.fullmatch(r"\d{11}", number):
        raise ValidationError(
            _("Le numéro de déclaration d'activité (NDA) doit compter exactement 11 chiffres (reçu : « %(value)s »)."),
            code="nda_format",
            params={"value": value},
        )


def validate_naf(value: str) -> None:
    """Code NAF rév. 2: 2 digits, dot optional, 2 digits, 1 letter (e.g. 85.59A)."""
    if not re.fullmatch(r"\d{2}\.?\d{2}[A-Za-z]", (value or "").strip()):
        raise ValidationError(
            _("Le code NAF doit avoir la forme 85.59A (reçu : « %(value)s »)."),
            code="naf_format",
            params={"value": value},
        )


def validate_nsf(value: str) -> None:
    """NSF speciality: 3 digits (décret 94-522), optionally one letter."""
    if not re.fullmatch(r"\d{3}[a-z]?", (value or "").strip()):
        raise ValidationError(
            _("Le code NSF doit compter 3 chiffres, par exemple 333 (reçu : « %(value)s »)."),
            code="nsf_format",
            params={"value": value},
        )


def validate_formacode(value: str) -> None:
    """Formacode (Centre Inffo): 5 digits."""
    if not re.fullmatch(r"\d{5}", (value or "").strip()):
        raise ValidationError(
            _("Le Formacode doit compter 5 chiffres, par exemple 15043 (reçu : « %(value)s »)."),
            code="formacode_format",
            params={"value": value},
        )


def validate_rncp(value: str) -> None:
    if not re.fullmatch(r"RNCP\d{1,6}", (value or "").strip().upper()):
        raise ValidationError(
            _("Le code RNCP doit avoir la forme RNCP35219 (reçu : « %(value)s »)."),
            code="rncp_format",
            params={"value": value},
        )


def validate_rs(value: str) -> None:
    if not re.fullmatch(r"RS\d{1,6}", (value or "").strip().upper()):
        raise ValidationError(
            _("Le code RS doit avoir la forme RS5142 (reçu : « %(value)s »)."),
            code="rs_format",
            params={"value": value},
        )


def format_siret(value: str) -> str:
    number = compact(value)
    if len(number) != 14:
        return value
    return f"{number[:3]} {number[3:6]} {number[6:9]} {number[9:]}"


def validate_iban(value: str) -> None:
    """IBAN: country, check digits (ISO 13616 mod 97) and the country's length (python-stdnum)."""
    from stdnum import iban as stdnum_iban

    number = compact(value).upper()
    if not stdnum_iban.is_valid(number):
        raise ValidationError(
            _("L'IBAN « %(value)s » n'est pas valide (longueur du pays ou clé de contrôle ISO 13616 incorrecte)."),
            code="iban_invalid",
            params={"value": value},
        )


def validate_bic(value: str) -> None:
    """BIC (code SWIFT, ISO 9362): 8 or 11 characters, a real country code."""
    from stdnum import bic as stdnum_bic

    number = compact(value).upper()
    if not stdnum_bic.is_valid(number):
        raise ValidationError(
            _("Le BIC « %(value)s » n'est pas valide (8 ou 11 caractères, norme ISO 9362)."),
            code="bic_invalid",
            params={"value": value},
        )


def format_iban(value: str) -> str:
    """FR7630006000011234567890189 -> 'FR76 3000 6000 0112 3456 7890 189'."""
    number = compact(value).upper()
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
