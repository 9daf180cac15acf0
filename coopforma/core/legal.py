# SPDX-License-Identifier: AGPL-3.0-or-later
"""Legal mentions printed on what an organisation issues (conventions, contracts, invoices, credit notes).

The VAT computation and its mention live in `core.money` (`vat_cents`, `vat_mention`, `VAT_EXEMPT_MENTION`)."""

# Code du travail L6352-12: where the declaration number (NDA) is mentioned, this sentence goes with it.
NDA_DISCLAIMER = "Cet enregistrement ne vaut pas agrément de l'État."


def nda_mention(nda: str, region: str = "") -> str:
    """The declaration of activity (L6351-1) as printed, with the L6352-12 disclaimer; before the number is
    granted, that the declaration is being registered."""
    if not nda:
        return "Déclaration d'activité en cours d'enregistrement auprès du préfet de région."
    where = f" auprès du préfet de région {region}." if region else " auprès du préfet de région."
    return f"Déclaration d'activité enregistrée sous le numéro {nda}{where} {NDA_DISCLAIMER}"
