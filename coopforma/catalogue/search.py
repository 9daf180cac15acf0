# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public catalogue's search text: a training's words lowercased without accents, stored on the training
(`Training.search_text`) so that « developpement » finds « Développement » with one `icontains` on any database
(SQLite has no `unaccent`). The services refresh it whenever they save a training."""

import unicodedata
from typing import TYPE_CHECKING

from coopforma.catalogue.nsf import NSF_LABELS

if TYPE_CHECKING:
    from coopforma.catalogue.models import Training


def normalise(text: str) -> str:
    """Lowercase, accents and ligatures dropped, spaces collapsed: « Œuvre Coopérative » → « oeuvre cooperative »."""
    text = (text or "").replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def training_search_text(training: "Training") -> str:
    """What the public search reads: title, reference, presentation, objectives, audience, content, theme (NSF
    code and label), Formacode and certification."""
    parts = [
        training.title,
        training.reference,
        training.summary,
        " ".join(str(o) for o in training.objectives or []),
        training.audience,
        training.content,
        training.nsf_code,
        NSF_LABELS.get(training.nsf_code, "") if training.nsf_code else "",
        training.formacode,
        training.certification_code,
        training.certification_title,
    ]
    return normalise(" ".join(str(p) for p in parts if p))
