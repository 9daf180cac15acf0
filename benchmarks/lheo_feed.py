# SPDX-License-Identifier: AGPL-3.0-or-later
"""A synthetic LHEO 2.3 feed, written as a stream (constant memory whatever its size), for benchmarks/network.py.

    write_feed(path, sessions=300_000)   # 100,000 formations of 3 sessions, about 250 MB

Deterministic (a seeded generator): texts of realistic length (a formation ≈ 2.5 KB), 2,000 training
organisations with valid SIRETs, places in 90 départements with their coordinates, and some of the dirt of real
feeds: 1 formation in 10 with escaped HTML, 1 in 20 with an unknown start (00000000) or an open end (99999999),
1 in 25 with coordinates rounded to whole degrees, 1 in 30 with the postal code in the INSEE field, 1 in 40 with
a placeholder SIRET, 1 in 50 with a long ``extras`` list.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from stdnum import luhn

NAMESPACE = "http://lheo.gouv.fr/2.3"
WORDS = [
    *("coopération", "gouvernance", "partagée", "Scop", "Scic", "CAE", "économie", "sociale", "solidaire"),
    *("animation", "réseau", "territoire", "gestion", "comptabilité", "numérique", "projet", "collectif"),
    *("management", "participatif", "facilitation", "entrepreneuriat", "formation", "accompagnement"),
    *("tiers-lieu", "PTCE", "mutualisation", "sociétariat", "statuts", "assemblée", "décision"),
]
CITIES = [  # (département, postal code, INSEE code, commune, latitude, longitude)
    (f"{d:02d}", f"{d:02d}000", f"{d:02d}{100 + d:03d}", f"Commune {d}", 43.0 + (d % 9) * 0.9, -1.5 + (d % 11) * 0.7)
    for d in range(1, 96)
    if d != 20
]


def _siret(rng: random.Random) -> str:
    """A valid SIRET: the SIREN (8 digits + Luhn key), then the NIC whose last digit makes the 14 digits Luhn-valid."""
    siren = f"{rng.randrange(10**7, 10**8)}"
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{rng.randrange(1000, 10**4)}"
    return body + luhn.calc_check_digit(body)


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def write_feed(path: Path, *, sessions: int = 300_000, per_formation: int = 3, seed: int = 16) -> dict[str, int]:
    """Write the feed to `path`; returns its counts (formations, sessions, bytes)."""
    rng = random.Random(seed)
    organisations = [
        (_siret(rng), f"{rng.randrange(10**10, 10**11)}", f"Organisme coopératif {i}") for i in range(2000)
    ]
    formations = max(1, (sessions + per_formation - 1) // per_formation)
    first_day = dt.date(2027, 1, 4)
    written_sessions = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="{NAMESPACE}">\n<offres>\n')
        for index in range(formations):
            count = min(per_formation, sessions - written_sessions) or 1
            siret, nda, name = organisations[index % len(organisations)]
            if index % 40 == 7:
                siret = "00000000000000"
            _dep, postal, insee, city, lat, lon = CITIES[index % len(CITIES)]
            if index % 30 == 11:
                insee = postal
            lat_text, lon_text = f"{lat + rng.random() / 10:.5f}", f"{lon + rng.random() / 10:.5f}"
            if index % 25 == 3:
                lat_text, lon_text = f"{round(lat)}", f"{round(lon)}"
            objective = _sentence(rng, 40)
            content = " ".join(_sentence(rng, 15) for _ in range(6))
            if index % 10 == 5:
                item = _sentence(rng, 6)
                objective = f"&lt;p&gt;{objective}&lt;/p&gt;&lt;ul&gt;&lt;li&gt;{item}&lt;/li&gt;&lt;/ul&gt;"
            parts = [
                f'<formation numero="BENCH-{index:07d}" datemaj="20261101">',
                "<domaine-formation>"
                f'<code-FORMACODE ref="V12">{15000 + index % 900:05d}</code-FORMACODE>'
                f"<code-NSF>{310 + index % 30}</code-NSF></domaine-formation>",
                f"<intitule-formation>{_sentence(rng, 6)[:-1]} {index}</intitule-formation>",
                f"<objectif-formation>{objective}</objectif-formation>",
                f"<resultats-attendus>{_sentence(rng, 12)}</resultats-attendus>",
                f"<contenu-formation>{content}</contenu-formation>",
                f"<certifiante>{index % 3 == 0:d}</certifiante>",
                "<contact-formation><coordonnees><nom>Accueil</nom></coordonnees></contact-formation>",
                "<parcours-de-formation>1</parcours-de-formation><code-niveau-entree>0</code-niveau-entree>",
            ]
            if index % 3 == 0:
                parts.append(f"<certification><code-RNCP>{30000 + index % 5000}</code-RNCP></certification>")
            parts.append(
                f'<action numero="BENCH-{index:07d}-A"><modalites-enseignement>{index % 3}</modalites-enseignement>'
                "<lieu-de-formation><coordonnees><adresse>"
                f"<ligne>{index % 200 + 1} rue de la Coopération</ligne><codepostal>{postal}</codepostal>"
                f"<ville>{city}</ville><code-INSEE-commune>{insee}</code-INSEE-commune>"
                f"<geolocalisation><latitude>{lat_text}</latitude><longitude>{lon_text}</longitude></geolocalisation>"
                "</adresse></coordonnees></lieu-de-formation>"
            )
            for number in range(count):
                start = first_day + dt.timedelta(days=(index * 7 + number * 30) % 700)
                end = start + dt.timedelta(days=4)
                start_text, end_text = _date(start), _date(end)
                if index % 20 == 9 and number == 0:
                    start_text, end_text = "00000000", "99999999"
                parts.append(
                    f'<session numero="BENCH-{index:07d}-S{number}"><periode><debut>{start_text}</debut>'
                    f"<fin>{end_text}</fin></periode><adresse-inscription><adresse><ligne>Accueil</ligne>"
                    f"<codepostal>{postal}</codepostal><ville>{city}</ville></adresse></adresse-inscription>"
                    "<etat-recrutement>1</etat-recrutement></session>"
                )
            if index % 50 == 13:
                extras = "".join(f'<extra info="code-{n}">{n}</extra>' for n in range(500))
                parts.append(f'<extras info="action">{extras}</extras>')
            parts.append(
                f"<prix-total-TTC>{500 + index % 2500}.00</prix-total-TTC>"
                f"<nombre-heures-total>{7 * (1 + index % 10)}</nombre-heures-total></action>"
                f"<organisme-formation-responsable><numero-activite>{nda}</numero-activite>"
                f"<SIRET-organisme-formation><SIRET>{siret}</SIRET></SIRET-organisme-formation>"
                f"<nom-organisme>{name}</nom-organisme><raison-sociale>{name} Scop</raison-sociale>"
                "</organisme-formation-responsable></formation>\n"
            )
            out.write("".join(parts))
            written_sessions += count
        out.write("</offres>\n</lheo>\n")
    return {"formations": formations, "sessions": written_sessions, "bytes": path.stat().st_size}
