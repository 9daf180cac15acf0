# SPDX-License-Identifier: AGPL-3.0-or-later
"""What an import found doubtful in an offer: codes stored in ``Offer.flags``, shown only by their French label.

The codes come from the LHEO reader (``coopforma.formats.lheo_read.DIRT``: dates, HTML, positions, codes) and
from the offers import itself (SIRET and NDA, checked with ``coopforma.core.identifiers``). Every code has its
label here (``tests/test_flags.py`` checks that the reader's codes are all listed); pages and the API show
``flag_labels(offer.flags)``, never the codes.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

FLAGS: dict[str, str | Promise] = {
    "date_start_unknown": _("Date de début inconnue"),
    "date_end_open": _("Date de fin non précisée"),
    "date_month_only": _("Dates connues au mois près"),
    "date_year_only": _("Dates connues à l'année près"),
    "date_invalid": _("Date impossible dans la source (ignorée)"),
    "html_removed": _("Mise en forme HTML retirée des textes"),
    "title_truncated": _("Intitulé trop long, raccourci"),
    "geo_approximate": _("Position approximative (coordonnées arrondies au degré)"),
    "geo_missing": _("Position non fournie par la source"),
    "geo_invalid": _("Position impossible dans la source (ignorée)"),
    "insee_was_postal_code": _("Code postal fourni à la place du code INSEE de la commune"),
    "geo_from_commune": _("Position déduite de la commune"),
    "geo_commune_mismatch": _("Département, région ou code INSEE de la source différents de ceux de la commune"),
    "no_session": _("Aucune session datée dans la source"),
    "no_place": _("Lieu de formation non précisé"),
    "siret_missing": _("SIRET de l'organisme absent"),
    "siret_placeholder": _("SIRET de l'organisme fictif (par exemple 00000000000000)"),
    "siret_invalid": _("SIRET de l'organisme invalide (clé de contrôle incorrecte)"),
    "nda_invalid": _("Numéro de déclaration d'activité invalide"),
}


def flag_label(code: str) -> str:
    """The French label of a flag; an unknown code (a newer import) reads as a generic doubt, never as the code."""
    label = FLAGS.get(code)
    return str(label) if label is not None else gettext("Donnée douteuse dans la source")


def flag_labels(codes: list[str]) -> list[str]:
    return [flag_label(code) for code in codes]
