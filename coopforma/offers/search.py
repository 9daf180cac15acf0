# SPDX-License-Identifier: AGPL-3.0-or-later
"""French full-text search over the offers (title, summary, objectives, provider, cities of the sessions), the one
place that knows the database engine.

- PostgreSQL: a stored `tsvector` column `offers_offer.search_vector` (text search configuration
  `french_unaccent`: French stemming after `unaccent`) with a GIN index; queries are `to_tsquery` with each word
  as a prefix (`cooperatives:*`).
- SQLite: an FTS5 table `offers_offer_fts` (rowid = offer id, tokenizer `unicode61 remove_diacritics 2`) holding
  the words stemmed in Python (snowballstemmer, French) after the accents are dropped; a query's words are stemmed
  the same way and matched as prefixes.

Both are created by migration 0004 (after its `UnaccentExtension` and `TrigramExtension`), only on their engine,
and kept up to date by the services that write offers
(the LHEO import, the member catalogues' sync, the partner offers), never by triggers: `index_offers(ids)`.
« coopératives » finds « coopérative », « cooperation » finds « Coopération » on both engines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from django.db import connection
from django.db.models.expressions import RawSQL

from coopforma.offers.relevance import normalise, stem

CHUNK = 1000
MAX_WORDS = 12
WORD = re.compile(r"[a-z0-9]+")
FTS_TABLE = "offers_offer_fts"


def is_postgres(conn=connection) -> bool:  # type: ignore[no-untyped-def]
    return conn.vendor == "postgresql"


def words(text: str) -> list[str]:
    """The words of a query, lower case without accents, at most MAX_WORDS (« Coopératives, ESS » → [...])."""
    return WORD.findall(normalise(text))[:MAX_WORDS]


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    return stem(word)


def stems(text: str) -> str:
    """A text's French stems (SQLite side), separated by spaces: « Les coopératives » → « le cooper ». A feed's
    vocabulary is small: the stems are memoised."""
    return " ".join(_stem(word) for word in WORD.findall(normalise(text)))


def index_offers(offer_ids: Iterable[int], conn=connection) -> None:  # type: ignore[no-untyped-def]
    """Refresh the search index of these offers (after they or their sessions were written). Raw SQL on the
    tables' columns, so that a migration can call it too."""
    ids = sorted(set(offer_ids))
    quote = conn.ops.quote_name
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ", ".join(["%s"] * len(chunk))
        with conn.cursor() as cursor:
            cursor.execute(
                f"SELECT id, title, summary, objectives, provider_name FROM {quote('offers_offer')} "  # noqa: S608
                f"WHERE id IN ({marks})",
                chunk,
            )
            rows = cursor.fetchall()
            cursor.execute(
                f"SELECT DISTINCT offer_id, city FROM {quote('offers_offersession')} "  # noqa: S608
                f"WHERE offer_id IN ({marks}) AND city <> ''",
                chunk,
            )
            cities: dict[int, list[str]] = {}
            for offer_id, city in cursor.fetchall():
                cities.setdefault(offer_id, []).append(city)
            documents = [
                (pk, " ".join(part for part in (*fields, *cities.get(pk, [])) if part)) for pk, *fields in rows
            ]
            if is_postgres(conn) and documents:
                # One statement per chunk, not one per offer (each statement also notes a change of the map:
                # migration 0008's statement triggers).
                values = ", ".join(["(%s::bigint, %s::text)"] * len(documents))
                cursor.execute(
                    "UPDATE offers_offer SET search_vector = to_tsvector('french_unaccent', v.body) "  # noqa: S608
                    f"FROM (VALUES {values}) AS v(id, body) WHERE offers_offer.id = v.id",
                    [value for pk, text in documents for value in (pk, text)],
                )
            elif not is_postgres(conn):
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)  # noqa: S608
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (%s, %s)",  # noqa: S608
                    [(pk, stems(text)) for pk, text in documents],
                )


STATISTICS_TABLES = ("offers_offer", "offers_offersession", "offers_offerrelevance")
STATISTICS_AFTER_ROWS = 1000  # an import that wrote at least this many offers refreshes the planner's statistics


def refresh_statistics(conn=connection) -> None:  # type: ignore[no-untyped-def]
    """ANALYZE the map's tables after a bulk write (an import, a network's rescoring): until autovacuum gets to
    it, PostgreSQL plans with the empty tables' statistics — nested loops over 10,000 rows estimated as one made
    the map's search 2 to 10 times slower (docs/map.md, « Figures »). SQLite's planner reads them too."""
    with conn.cursor() as cursor:
        for table in STATISTICS_TABLES:
            cursor.execute(f"ANALYZE {conn.ops.quote_name(table)}")


def matching(query: str) -> RawSQL | None:
    """A subquery of the ids of the offers matching every word of the query (as a prefix, after stemming), for
    `filter(pk__in=...)`; None when the query has no word (no filter)."""
    found = words(query)
    if not found:
        return None
    if is_postgres():
        expression = " & ".join(f"{word}:*" for word in found)
        return RawSQL(
            "SELECT id FROM offers_offer WHERE search_vector @@ to_tsquery('french_unaccent', %s)", [expression]
        )
    expression = " AND ".join(f'"{_stem(word)}"*' for word in found)
    return RawSQL("SELECT rowid FROM offers_offer_fts WHERE offers_offer_fts MATCH %s", [expression])


def matching_ids(query: str) -> list[int]:
    """The ids of the offers matching every word of the query (`matching`'s subquery, run)."""
    found = matching(query)
    if found is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(found.sql, found.params)
        return [row[0] for row in cursor.fetchall()]


def map_token() -> tuple[int, ...] | None:
    """A token of `offers_mapchange`, which the triggers of migration 0008 write on every change to the map's
    tables: another token, another state of the map (offers/map_index.py). None when the table is empty (a flushed
    test database), and then nothing is cached.

    PostgreSQL: a row per writing transaction (its txid; `n` counts its statements), never one row for all (that
    row's lock would make every writer wait for the others and could deadlock): count, last id and the sums of
    txids and statements change with every commit, even one that commits an older id after a newer one. SQLite
    (one writer at a time): one row, its `txid` set to a random number by each write."""
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("SELECT count(*), max(id), sum(txid), sum(n) FROM offers_mapchange")
            count, last, txids, statements = cursor.fetchone()
            return None if not count else (count, last, int(txids), int(statements))
        cursor.execute("SELECT txid FROM offers_mapchange WHERE id = 1")
        row = cursor.fetchone()
        return None if row is None else (row[0],)


# --- the migration's SQL ---------------------------------------------------------------------------------------

POSTGRES_FORWARD = [
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$""",
    "ALTER TABLE offers_offer ADD COLUMN search_vector tsvector",
    "CREATE INDEX offers_offer_search_gin ON offers_offer USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS offers_offer_search_gin",
    "ALTER TABLE offers_offer DROP COLUMN IF EXISTS search_vector",
]
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = [f"DROP TABLE IF EXISTS {FTS_TABLE}"]
