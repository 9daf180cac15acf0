#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""BOAMP reader benchmark (issue 17, tender watch): how fast `formats.boamp.read` walks an `/exports/json` array,
and that its memory does not grow with the file.

    python benchmarks/boamp_reader.py                  # 50,000 notices
    python benchmarks/boamp_reader.py --records 5000   # a quick check

Generates var/bench/boamp_export.json (fictitious notices in the shape of the shared fixture, one in five with
training CPV codes), reads it twice (as bytes), prints records per second and the peak of Python allocations
(tracemalloc) for the full file and for a tenth of it: the two peaks should be close.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coopforma.formats import boamp  # noqa: E402

FIXTURE = ROOT / "coopforma" / "tenders" / "tests" / "data" / "synthetic_boamp_training_notices.json"


def generate(path: Path, records: int) -> None:
    base = json.loads(FIXTURE.read_text())["results"]
    rng = random.Random(17)
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for i in range(records):
            record = dict(base[i % len(base)], idweb=f"00-{i:07}", id=f"00_{i:07}")
            if rng.random() > 0.2:
                record["objet"] = f"Travaux de voirie, lot {i} (FICTIF)"
                record["donnees"] = json.dumps(
                    {"x": {"cac:MainCommodityClassification": {"c": {"@listName": "cpv", "#text": "45233140-2"}}}}
                )
            out.write(("," if i else "") + json.dumps(record, ensure_ascii=False))
        out.write("]")


def measure(path: Path) -> tuple[int, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    with path.open("rb") as stream:
        count = sum(1 for _record in boamp.read(stream))
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return count, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    args = parser.parse_args()
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    full, tenth = folder / "boamp_export.json", folder / "boamp_export_tenth.json"
    generate(full, args.records)
    generate(tenth, max(args.records // 10, 1))
    for label, path in (("full", full), ("tenth", tenth)):
        count, seconds, peak = measure(path)
        size = path.stat().st_size / 1e6
        print(
            f"{label:>5}: {count:>7} notices, {size:7.1f} MB, {seconds:6.2f} s, "
            f"{count / seconds:8.0f} notices/s, peak allocations {peak / 1e6:5.1f} MB"
        )


if __name__ == "__main__":
    main()
