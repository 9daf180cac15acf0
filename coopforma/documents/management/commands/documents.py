# SPDX-License-Identifier: AGPL-3.0-or-later
"""`coopforma documents render|verify`: a session's documents as PDF files; the stored files' integrity.

`coopforma documents render --session <id> [--kind <kind>] --out <dir>`:

Writes one PDF per document (per enrolment or participant where the kind asks for it), prints each path;
a document whose data is missing is reported on stderr with what is missing. Exit code 1 when nothing could
be made. The files are rendered, not recorded (no draft, no verification code): generate documents from the
session's documents page or the API to keep them.

`coopforma documents verify [--org <slug>]`: reads every final and signed document back from the storage and
compares it with its SHA-256; one line per missing or altered file, exit code 1 on any problem; with `--quiet`
nothing is printed when all is well (for cron).
"""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from coopforma.accounts.models import Organisation
from coopforma.documents.integrity import documents_verify
from coopforma.documents.registry import all_kinds, get_kind
from coopforma.documents.services import MissingData, document_render, subject_label


def _slug(text: str) -> str:
    """'Gaëlle Traoré' -> 'gaelle-traore' (accents folded, not dropped)."""
    return slugify(text)[:60].strip("-") or "document"


class Command(BaseCommand):
    help = (
        "Documents : « render » écrit les documents d'une session en PDF ; « verify » contrôle les fichiers "
        "des documents émis (SHA-256)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        render = sub.add_parser("render", help="écrire les documents d'une session en PDF")
        render.add_argument("--session", type=int, required=True, help="numéro de la session")
        render.add_argument(
            "--kind",
            help="type de document (tous si omis) : "
            + ", ".join(k.code for k in all_kinds() if k.hooks.operator_subjects is not None),
        )
        render.add_argument("--out", required=True, help="dossier où écrire les PDF")
        verify = sub.add_parser(
            "verify", help="relit chaque document définitif ou signé et le compare à son SHA-256 ; code 1 si problème"
        )
        verify.add_argument("--org", default=None, help="slug de l'organisation (toutes si omis)")
        verify.add_argument(
            "--quiet", action="store_true", help="rien n'est écrit si tout va bien (pour cron : courriel si problème)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify(options.get("org"), quiet=options["quiet"])
            return
        if options["action"] != "render":  # pragma: no cover - argparse refuses other actions
            raise CommandError("action inconnue")
        kinds = [k for k in all_kinds() if k.hooks.operator_subjects is not None]
        if options.get("kind"):
            try:
                kinds = [get_kind(options["kind"])]
            except LookupError:
                raise CommandError(f"type de document inconnu : {options['kind']}") from None
            if kinds[0].hooks.operator_subjects is None:
                # Billing pieces (invoice, credit note, quote) are laid out when they are issued, from their own
                # record, not from a session: there is nothing to render here.
                session_kinds = ", ".join(k.code for k in all_kinds() if k.hooks.operator_subjects is not None)
                raise CommandError(
                    f"« {kinds[0].label} » ne se produit pas à partir d'une session : ce document est mis en forme "
                    f"quand il est émis, depuis sa page (menu Facturation). Types produits par cette commande : "
                    f"{session_kinds}.",
                    returncode=2,
                )
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        session_id = options["session"]
        made = 0
        found_session = False
        for kind in kinds:
            operator_subjects = kind.hooks.operator_subjects
            if operator_subjects is None:  # pragma: no cover - the kinds above all have it
                continue
            subjects = operator_subjects(session_id)
            applies = kind.hooks.applies
            for subject in subjects:
                found_session = True
                if applies is not None and not applies(subject):
                    continue
                label = subject_label(kind, subject)
                try:
                    pdf = document_render(kind=kind, subject=subject)
                except MissingData as exc:
                    lines = "\n".join(f"  - {m.label} ({m.url})" for m in exc.missing)
                    self.stderr.write(f"{kind.label} — {label} : données manquantes\n{lines}")
                    continue
                except ValidationError as exc:  # the template fails on this subject's data
                    self.stderr.write(f"{kind.label} — {label} : {' '.join(exc.messages)}")
                    continue
                path = out / f"{kind.code}-{subject.pk}-{_slug(label)}.pdf"
                path.write_bytes(pdf)
                self.stdout.write(str(path))
                made += 1
        if not found_session:
            self.stderr.write(f"Session {session_id} introuvable ou sans document à produire.")
        if made == 0:
            raise CommandError("Aucun document n'a pu être produit.", returncode=1)

    def _verify(self, slug: str | None, *, quiet: bool) -> None:
        if slug and not Organisation.objects.filter(slug=slug).exists():
            raise CommandError(f"Organisation inconnue : {slug}")
        checked, problems = documents_verify(organisation_slug=slug)
        if not problems:
            if not quiet:  # silent when all is well, so that cron sends mail only on a problem
                self.stdout.write(f"OK : {checked} fichier(s) de documents émis vérifié(s), aucun problème.")
            return
        for problem in problems:
            self.stdout.write(str(problem))
        self.stdout.write(f"{len(problems)} problème(s) sur {checked} fichier(s) vérifié(s).")
        raise SystemExit(1)
