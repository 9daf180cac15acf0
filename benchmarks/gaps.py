#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""The gaps' arithmetic (issue 16, point 5) over a national feed's size, without the database.

    python benchmarks/gaps.py                       # 300,000 sessions of 100,000 offers, 50 km
    python benchmarks/gaps.py --sessions 3000 --km 100

`offers.gaps.count_within_reach` is what `network_gaps` runs on the rows of its three queries; here the rows are
synthetic: sessions at random positions in metropolitan France (a third of them on 30,000 « communes », so
positions repeat as in a real feed), 2 % of the offers remote, six themes. Prints the seconds it took and the
number of distinct positions measured. The queries themselves are timed by benchmarks/network.py's database.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=300_000)
    parser.add_argument("--km", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from coopforma.offers.gaps import Theme, count_within_reach

    rng = random.Random(16)
    themes = [Theme("formacode", str(15000 + n), f"Formacode {15000 + n}") for n in range(3)]
    themes += [Theme("nsf", code, f"NSF {code}") for code in ("310", "315", "413")]
    n_offers = max(1, args.sessions // 3)
    offers = [
        (pk, [str(15000 + pk % 4)], [("310", "315", "413", "200")[pk % 4]], "remote" if pk % 50 == 0 else "on_site")
        for pk in range(n_offers)
    ]
    communes = [(rng.uniform(42.5, 51), rng.uniform(-4.5, 8)) for _ in range(30_000)]
    sessions = []
    for n in range(args.sessions):
        lat, lon = communes[n % len(communes)] if n % 3 else (rng.uniform(42.5, 51), rng.uniform(-4.5, 8))
        sessions.append((n % n_offers, "", lat, lon, False))
    positions = len({(round(lat, 2), round(lon, 2)) for _, _, lat, lon, _ in sessions})
    started = time.perf_counter()
    counts, offer_count = count_within_reach(themes=themes, offers=offers, sessions=sessions, km=args.km)
    elapsed = time.perf_counter() - started
    print(f"{args.sessions} sessions of {offer_count} offers, {positions} distinct positions, {args.km} km")
    print(f"count_within_reach: {elapsed:.2f} s for {len(counts)} départements × {len(themes)} themes")


if __name__ == "__main__":
    main()
