# SPDX-License-Identifier: AGPL-3.0-or-later
import datetime as dt

from coopforma.core.formatting import WEEKDAYS, fr_date, fr_hours, fr_money, fr_time
from coopforma.core.legal import NDA_DISCLAIMER, nda_mention


def test_french_formatting_uses_plain_spaces():
    assert fr_date(dt.date(2026, 3, 2)) == "02/03/2026"
    assert fr_date(None) == ""
    # 23:30 UTC on 1 March is 00:30 on 2 March in Paris: the local date is printed.
    assert fr_date(dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)) == "02/03/2026"
    assert fr_time(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)) == "09 h 00"
    assert fr_hours(450) == "7 h 30"
    assert fr_hours(None) == "0 h"
    assert fr_money(140000) == "1 400,00 €"
    assert fr_money(-1050) == "-10,50 €"
    assert fr_money(None) == "0,00 €"
    assert WEEKDAYS[dt.date(2026, 3, 2).weekday()] == "lundi"


def test_the_nda_mention_carries_the_disclaimer():
    assert nda_mention("53350999935", "Bretagne") == (
        "Déclaration d'activité enregistrée sous le numéro 53350999935 auprès du préfet de région Bretagne. "
        "Cet enregistrement ne vaut pas agrément de l'État."
    )
    assert nda_mention("53350999935").endswith("auprès du préfet de région. " + NDA_DISCLAIMER)
    assert nda_mention("", "Bretagne") == "Déclaration d'activité en cours d'enregistrement auprès du préfet de région."
