# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the référentiel: import a file into the draft, propose, comment, decide, publish.

`user` is the person acting (None: the command line, run by whoever administers the installation). Members of
the network propose and comment; its committee (committee or moderator) decides, edits the draft and publishes
(`access.py`). A published version never changes: every write goes to the draft, which the first accepted
proposal after a publication creates as a copy of the latest published version (same item keys).
"""

import re
import unicodedata
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.catalogue.selectors import training_editable, training_get
from coopforma.core.locking import id_or_404
from coopforma.core.log import log_action
from coopforma.networks.models import Network
from coopforma.people.selectors import trainer_get
from coopforma.people.services import trainer_editable_fields
from coopforma.referentiel import access, files, signals
from coopforma.referentiel.models import (
    DEFAULT_LICENCE,
    LEVELS,
    Item,
    ItemKind,
    ObjectiveCompetency,
    Proposal,
    ProposalComment,
    ProposalKind,
    ProposalState,
    Referentiel,
    TrainerCompetency,
    TrainerCompetencyState,
    Version,
    VersionState,
)

CODE_PREFIX = {ItemKind.ACTIVITY: "A", ItemKind.COMPETENCY: "C"}


def normalise(text: str) -> str:
    """Lower case without accents: what the search compares (the same on SQLite and PostgreSQL)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _search_text(item: Item) -> str:
    return normalise(" ".join([item.code, item.label, *item.aliases, item.description, *item.criteria]))


def _network(network_id: int) -> Network:
    network = Network.objects.filter(pk=network_id).first()
    if network is None:
        raise Http404
    return network


def _require_member(user: Any, network: Network) -> None:
    if user is not None and not access.is_member(user, network):
        raise Http404  # not in the network: nothing of its référentiel's work exists for them


def _require_committee(user: Any, network: Network) -> None:
    _require_member(user, network)
    if user is not None and not access.is_committee(user, network):
        raise PermissionDenied("referentiel.committee")


def _referentiel(network: Network) -> Referentiel:
    referentiel, _created = Referentiel.objects.get_or_create(network=network)
    return referentiel


def _draft(referentiel: Referentiel) -> Version | None:
    return Version.objects.select_for_update().filter(referentiel=referentiel, state=VersionState.DRAFT).first()


def _latest_published(referentiel: Referentiel) -> Version | None:
    return referentiel.versions.filter(state=VersionState.PUBLISHED).order_by("-major", "-minor").first()


def _split_number(number: str) -> tuple[int, int]:
    major, minor = number.split(".")
    return int(major), int(minor)


# --- Import ------------------------------------------------------------------------------------------------------


def version_import(*, user: Any, network_id: int, document: files.Document) -> Version:
    """Load `document` (read and validated by files.read) as the draft version of the network's référentiel.

    The draft of the same number is replaced; a published version of that number, a draft of another number or
    a number not after the latest published are refused. Items whose code exists in the latest version keep its
    key (the same item across versions)."""
    with transaction.atomic():
        network = Network.objects.select_for_update().filter(pk=network_id).first()
        if network is None:
            raise Http404
        _require_committee(user, network)
        referentiel = _referentiel(network)
        major, minor = _split_number(document.number)
        existing = referentiel.versions.filter(number=document.number).first()
        if existing is not None and existing.is_published:
            raise ValidationError(
                {"version": f"La version {document.number} est publiée : elle ne change plus. Numérotez la suivante."}
            )
        draft = _draft(referentiel)
        if draft is not None and draft.number != document.number:
            raise ValidationError(
                {"version": f"Le brouillon {draft.number} est en cours : importez-le sous ce numéro, ou publiez-le."}
            )
        latest = _latest_published(referentiel)
        if latest is not None and (major, minor) <= (latest.major, latest.minor):
            raise ValidationError(
                {"version": f"La version {document.number} doit suivre la dernière publiée ({latest.number})."}
            )
        keys = _known_keys(referentiel)
        if draft is None:
            draft = Version.objects.create(referentiel=referentiel, number=document.number, major=major, minor=minor)
        else:
            draft.items.all().delete()
        if document.title:
            referentiel.title = document.title
        referentiel.licence = document.licence or referentiel.licence or DEFAULT_LICENCE
        referentiel.save(update_fields=["title", "licence", "updated_at"])
        _write_entries(draft, document.entries, keys)
        log_action(
            actor=user,
            obj=draft,
            action="referentiel.version.imported",
            data={"number": draft.number, "items": len(document.entries)},
        )
        return draft


def _known_keys(referentiel: Referentiel) -> dict[str, uuid.UUID]:
    """Code → key of the items of the latest versions (the draft first, then the published, newest first)."""
    keys: dict[str, uuid.UUID] = {}
    rows = Item.objects.filter(version__referentiel=referentiel).order_by("version__major", "version__minor")
    for code, key in rows.values_list("code", "key"):
        keys[code] = key  # the newest version wins
    return keys


def _write_entries(version: Version, entries: list[files.Entry], keys: dict[str, uuid.UUID]) -> None:
    items: dict[str, Item] = {}
    for position, entry in enumerate(entries):
        item = Item(
            version=version,
            kind=entry.kind,
            key=keys.get(entry.code) or uuid.uuid4(),
            code=entry.code,
            label=entry.label,
            aliases=entry.aliases,
            description=entry.description,
            criteria=entry.criteria,
            levels=entry.levels,
            notes=entry.notes,
            codes=entry.codes,
            parent=items.get(entry.parent) if entry.parent else None,
            position=position,
        )
        item.search_text = _search_text(item)
        item.save()
        items[entry.code] = item
    through = Item.blocks.through
    through.objects.bulk_create(
        [
            through(from_item_id=items[entry.code].pk, to_item_id=items[block].pk)
            for entry in entries
            for block in entry.blocks
        ]
    )


# --- The draft ---------------------------------------------------------------------------------------------------


def _next_number(referentiel: Referentiel) -> tuple[str, int, int]:
    latest = referentiel.versions.order_by("-major", "-minor").first()
    if latest is None:
        return "0.1", 0, 1
    return f"{latest.major}.{latest.minor + 1}", latest.major, latest.minor + 1


def _open_draft(referentiel: Referentiel) -> Version:
    """The draft, locked; created as a copy of the latest published version when there is none."""
    draft = _draft(referentiel)
    if draft is not None:
        return draft
    latest = _latest_published(referentiel)
    if latest is None:
        raise ValidationError({"version": "Le référentiel n'a encore aucune version : importez-en une d'abord."})
    number, major, minor = _next_number(referentiel)
    draft = Version.objects.create(referentiel=referentiel, number=number, major=major, minor=minor)
    _copy_items(latest, draft)
    return draft


def _copy_items(source: Version, target: Version) -> None:
    copies: dict[int, Item] = {}
    for item in source.items.order_by("position"):
        old_pk, parent_id = item.pk, item.parent_id
        item.pk = None
        item.version = target
        item.parent = copies[parent_id] if parent_id else None
        item.save()
        copies[old_pk] = item
    through = Item.blocks.through
    links = through.objects.filter(from_item__version=source).values_list("from_item_id", "to_item_id")
    through.objects.bulk_create([through(from_item_id=copies[a].pk, to_item_id=copies[b].pk) for a, b in links])


def _draft_item(draft: Version, code: str, field: str = "target_code") -> Item:
    item = draft.items.filter(code=code).first()
    if item is None:
        raise ValidationError({field: f"L'élément « {code} » n'existe pas dans le brouillon {draft.number}."})
    return item


def _free_code(referentiel: Referentiel, prefix: str) -> str:
    """The next code `prefix<n>` never used in any version (a retired code is never given again)."""
    used = Item.objects.filter(version__referentiel=referentiel, code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(m[1]) for code in used if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", code))]
    return f"{prefix}{max(numbers, default=0) + 1}"


def _require_draft(version: Version) -> None:
    if version.state != VersionState.DRAFT:
        raise ValidationError({"version": f"La version {version.number} est publiée : elle ne change plus."})


ITEM_FIELDS = {"label", "aliases", "description", "criteria", "levels", "notes", "codes"}


def item_update(*, user: Any, network_id: int, number: str, code: str, **changes: Any) -> Item:
    """The committee edits one item of the draft (criteria, levels, references… what proposals do not carry).
    A published version is refused: it never changes."""
    unknown = set(changes) - ITEM_FIELDS
    if unknown:
        raise ValueError(f"item_update does not change {sorted(unknown)}")
    with transaction.atomic():
        network = _network(network_id)
        _require_committee(user, network)
        version = Version.objects.select_for_update().filter(referentiel__network=network, number=number).first()
        if version is None:
            raise Http404
        _require_draft(version)
        item = _draft_item(version, code, "code")
        if "label" in changes and not str(changes["label"]).strip():
            raise ValidationError({"label": "Le libellé est obligatoire."})
        before = {name: getattr(item, name) for name in changes}
        for name, value in changes.items():
            setattr(item, name, value)
        item.search_text = _search_text(item)
        item.save()
        log_action(
            actor=user,
            obj=version,
            action="referentiel.item.updated",
            data={"code": code, "changes": {k: [before[k], v] for k, v in changes.items() if before[k] != v}},
        )
        return item


# --- Proposals ---------------------------------------------------------------------------------------------------

NEEDS_TARGET = {ProposalKind.ADD_COMPETENCY, ProposalKind.ADD_ACTIVITY, ProposalKind.REWORD, ProposalKind.MERGE,
                ProposalKind.RETIRE}  # fmt: skip
NEEDS_LABEL = {ProposalKind.ADD_COMPETENCY, ProposalKind.ADD_ACTIVITY, ProposalKind.ADD_JOB}


def _working_version(referentiel: Referentiel) -> Version | None:
    return referentiel.versions.filter(state=VersionState.DRAFT).first() or _latest_published(referentiel)


def proposal_create(
    *,
    user: Any,
    network_id: int,
    kind: str,
    reason: str,
    target_code: str = "",
    other_code: str = "",
    label: str = "",
    description: str = "",
) -> Proposal:
    """A member proposes a change, with its reason; the items it names must exist in the current version."""
    target_code, other_code, label = target_code.strip(), other_code.strip(), label.strip()
    errors: dict[str, str] = {}
    with transaction.atomic():
        network = _network(network_id)
        _require_member(user, network)
        if user is None:
            raise PermissionDenied("referentiel.propose")
        referentiel = _referentiel(network)
        working = _working_version(referentiel)
        if kind not in ProposalKind.values:
            errors["kind"] = "Choisissez la nature de la proposition."
        if not reason.strip():
            errors["reason"] = "Dites pourquoi vous proposez ce changement."
        if kind in NEEDS_TARGET and not target_code:
            errors["target_code"] = "Indiquez l'élément concerné (son identifiant, par exemple M1 ou M1-C2)."
        if (kind in NEEDS_LABEL or kind == ProposalKind.REWORD) and not label:
            errors["label"] = "Écrivez le libellé proposé."
        if kind == ProposalKind.MERGE and not other_code:
            errors["other_code"] = "Indiquez l'élément dans lequel fusionner."
        if working is None:
            errors["kind"] = "Le référentiel n'a encore aucune version."
        elif target_code and "target_code" not in errors:
            target = working.items.filter(code=target_code).first()
            if target is None:
                errors["target_code"] = f"L'élément « {target_code} » n'existe pas dans la version {working.number}."
            elif kind in (ProposalKind.ADD_COMPETENCY, ProposalKind.ADD_ACTIVITY) and target.kind != ItemKind.JOB:
                errors["target_code"] = "Une nouvelle compétence ou activité se rattache à un métier (M1, M2…)."
            elif kind == ProposalKind.MERGE and other_code:
                other = working.items.filter(code=other_code).first()
                if other is None:
                    errors["other_code"] = f"L'élément « {other_code} » n'existe pas dans la version {working.number}."
                elif other.kind != target.kind or other.pk == target.pk:
                    errors["other_code"] = "On fusionne deux éléments différents de même nature."
        if errors:
            raise ValidationError(errors)
        proposal = Proposal.objects.create(
            referentiel=referentiel,
            kind=kind,
            target_code=target_code,
            other_code=other_code if kind == ProposalKind.MERGE else "",
            label=label,
            description=description.strip(),
            reason=reason.strip(),
            author=user,
        )
        log_action(actor=user, obj=proposal, action="referentiel.proposal.created", data={"kind": kind})
        return proposal


def _proposal(network: Network, proposal_id: int) -> Proposal:
    proposal_id = id_or_404(proposal_id)  # an id beyond 64 bits is a 404, not a database error
    proposal = Proposal.objects.select_for_update().filter(pk=proposal_id, referentiel__network=network).first()
    if proposal is None:
        raise Http404
    return proposal


def proposal_comment(*, user: Any, network_id: int, proposal_id: int, text: str) -> ProposalComment:
    with transaction.atomic():
        network = _network(network_id)
        _require_member(user, network)
        if user is None:
            raise PermissionDenied("referentiel.comment")
        proposal = _proposal(network, proposal_id)
        if not text.strip():
            raise ValidationError({"text": "Le commentaire est vide."})
        comment = ProposalComment.objects.create(proposal=proposal, author=user, text=text.strip())
        log_action(actor=user, obj=proposal, action="referentiel.proposal.commented")
        return comment


def proposal_decide(*, user: Any, network_id: int, proposal_id: int, accept: bool, reason: str = "") -> Proposal:
    """The committee accepts (the change goes into the draft at once) or refuses (a reason is required; the
    proposal stays readable). A proposal is decided once."""
    with transaction.atomic():
        network = _network(network_id)
        _require_committee(user, network)
        proposal = _proposal(network, proposal_id)
        if proposal.state != ProposalState.OPEN:
            raise ValidationError({"decision": "Cette proposition a déjà été décidée."})
        if not accept and not reason.strip():
            raise ValidationError({"reason": "Dites pourquoi la proposition est refusée."})
        if accept:
            draft = _open_draft(proposal.referentiel)
            proposal.result_code = _apply(proposal, draft)
            proposal.version = draft
        proposal.state = ProposalState.ACCEPTED if accept else ProposalState.REFUSED
        proposal.decided_by = user
        proposal.decided_at = timezone.now()
        proposal.decision_reason = reason.strip()
        proposal.save()
        action = "referentiel.proposal.accepted" if accept else "referentiel.proposal.refused"
        log_action(actor=user, obj=proposal, action=action, data={"reason": proposal.decision_reason})
        return proposal


def _apply(proposal: Proposal, draft: Version) -> str:
    """Apply an accepted proposal to the draft; the code of the item it created or changed."""
    referentiel = proposal.referentiel
    kind = proposal.kind
    if kind in (ProposalKind.ADD_COMPETENCY, ProposalKind.ADD_ACTIVITY):
        job = _draft_item(draft, proposal.target_code)
        item_kind = ItemKind.COMPETENCY if kind == ProposalKind.ADD_COMPETENCY else ItemKind.ACTIVITY
        code = _free_code(referentiel, f"{job.code}-{CODE_PREFIX[item_kind]}")
        # After the last sibling of its kind (an activity without siblings: right after its job, before the
        # competencies); the items after it move one place down.
        last = draft.items.filter(parent=job, kind=item_kind).order_by("-position").first()
        if last is None and item_kind == ItemKind.COMPETENCY:
            last = draft.items.filter(parent=job).order_by("-position").first()
        position = (last or job).position + 1
        draft.items.filter(position__gte=position).update(position=F("position") + 1)
        item = Item(
            version=draft,
            kind=item_kind,
            code=code,
            label=proposal.label,
            description=proposal.description,
            parent=job,
            position=position,
        )
        item.search_text = _search_text(item)
        item.save()
        return code
    if kind == ProposalKind.ADD_JOB:
        code = _free_code(referentiel, "M")
        last_position = draft.items.order_by("-position").values_list("position", flat=True).first() or 0
        item = Item(
            version=draft,
            kind=ItemKind.JOB,
            code=code,
            label=proposal.label,
            description=proposal.description,
            position=last_position + 1,
        )
        item.search_text = _search_text(item)
        item.save()
        return code
    target = _draft_item(draft, proposal.target_code)
    if kind == ProposalKind.REWORD:
        target.label = proposal.label or target.label
        target.description = proposal.description or target.description
        target.search_text = _search_text(target)
        target.save()
        return target.code
    if kind == ProposalKind.MERGE:
        other = _draft_item(draft, proposal.other_code, "other_code")
        other.aliases = [*other.aliases, *([target.label] if target.label not in other.aliases else [])]
        other.search_text = _search_text(other)
        other.save()
        other.blocks.add(*target.blocks.all())
        draft.items.filter(parent=target).update(parent=other)
        for tagged in target.tagged.all():
            tagged.blocks.add(other)
        target.delete()
        return other.code
    if kind == ProposalKind.RETIRE:
        target.delete()
        return target.code
    raise ValidationError({"kind": "Nature de proposition inconnue."})


# --- Publication -------------------------------------------------------------------------------------------------


def version_publish(*, user: Any, network_id: int, number: str) -> Version:
    """The committee publishes the draft: it is frozen (never changes again), with its changelog written from
    the proposals it accepted (or « importée » for a version loaded from a file). Once committed, `version_published`
    is sent (signals.py): the map's offers' suggested competencies are recomputed against it."""
    with transaction.atomic():
        network = _network(network_id)
        _require_committee(user, network)
        version = (
            Version.objects.select_for_update()
            .filter(referentiel__network=network, number=number)
            .select_related("referentiel")
            .first()
        )
        if version is None:
            raise Http404
        _require_draft(version)
        if not version.items.exists():
            raise ValidationError({"version": "Une version vide ne se publie pas."})
        version.changelog = _changelog(version)
        version.state = VersionState.PUBLISHED
        version.published_at = timezone.now()
        version.published_by = user
        version.save()
        log_action(actor=user, obj=version, action="referentiel.version.published", data={"number": number})
        # The apps above (the map's suggested competencies) follow the new version once it is committed.
        network_id, version_id = network.pk, version.pk
        # robust: a failing receiver is logged, it never turns a committed publication into an error page.
        transaction.on_commit(
            lambda: signals.version_published.send(sender=Version, network_id=network_id, version_id=version_id),
            robust=True,
        )
        return version


def _changelog(version: Version) -> str:
    accepted: QuerySet[Proposal] = version.proposals.filter(state=ProposalState.ACCEPTED).order_by("decided_at", "pk")
    lines = []
    for p in accepted:
        what = p.result_code or p.target_code
        if p.kind == ProposalKind.MERGE:
            what = f"{p.target_code} → {p.other_code}"
        label = f" « {p.label} »" if p.label else ""
        lines.append(f"- {p.get_kind_display()} {what}{label} : {p.reason}")
    if not lines:
        lines.append("- Version chargée depuis un fichier.")
    return "\n".join(lines)


# --- Trainings' objectives ↔ competencies -------------------------------------------------------------------------

LEVEL_CODES = [code for code, _label in LEVELS]


def _editable_training(actor: Any, training_id: int) -> Any:
    """The training, if the actor may edit it (the catalogue's rule); 404 when not theirs, 403 when read-only."""
    training = training_get(actor=actor, training_id=training_id)
    if not training_editable(actor=actor, training=training):
        raise PermissionDenied("catalogue.edit")
    return training


def _applicable_competency(organisation_id: int, competency_id: int, field: str = "competency") -> Item:
    """A competency of a published version of one of the organisation's networks; a French error otherwise."""
    item = (
        Item.objects.select_related("version__referentiel__network")
        .filter(
            pk=competency_id,
            kind=ItemKind.COMPETENCY,
            version__state=VersionState.PUBLISHED,
            version__referentiel__network__organisations__organisation_id=organisation_id,
        )
        .first()
    )
    if item is None:
        raise ValidationError(
            {
                field: _(
                    "Cette compétence n'appartient à aucune version publiée du référentiel d'un réseau dont votre "
                    "organisation est membre."
                )
            }
        )
    return item


def _check_level(level: str, *, required: bool = False) -> None:
    if (level or required) and level not in LEVEL_CODES:
        labels = ", ".join(str(label) for _code, label in LEVELS)
        raise ValidationError({"level": _("Niveau inconnu : choisissez parmi %(levels)s.") % {"levels": labels}})


@transaction.atomic
def objective_competency_link(
    *, actor: Any, training_id: int, objective: int, competency_id: int, level: str = ""
) -> ObjectiveCompetency:
    """Link the objective of rank `objective` (0 for the first) of a training to a competency, at the level aimed
    (optional). Linking it again changes the level."""
    training = _editable_training(actor, training_id)
    count = len(training.objectives or [])
    if not 0 <= objective < count:
        raise ValidationError(
            {
                "objective": _("Cette formation n'a pas d'objectif n° %(n)s (elle en a %(count)s).")
                % {"n": objective + 1, "count": count}
            }
        )
    _check_level(level)
    item = _applicable_competency(training.organisation_id, competency_id)
    link, created = ObjectiveCompetency.objects.get_or_create(
        training=training, objective=objective, competency=item, defaults={"level": level}
    )
    if not created and link.level != level:
        link.level = level
        link.save(update_fields=["level"])
    elif not created:
        return link
    log_action(
        actor=actor.user,
        obj=training,
        action="referentiel.objective.linked",
        data={"objective": objective + 1, "competency": item.code, "version": item.version.number, "level": level},
    )
    return link


@transaction.atomic
def objective_competency_unlink(*, actor: Any, training_id: int, link_id: int) -> None:
    training = _editable_training(actor, training_id)
    link = (
        ObjectiveCompetency.objects.filter(pk=link_id, training=training).select_related("competency__version").first()
    )
    if link is None:
        raise Http404
    data = {
        "objective": link.objective + 1,
        "competency": link.competency.code,
        "version": link.competency.version.number,
    }
    link.delete()
    log_action(actor=actor.user, obj=training, action="referentiel.objective.unlinked", data=data)


# --- Trainers' competencies ---------------------------------------------------------------------------------------


def _trainer_for_declaration(actor: Any, trainer_id: int) -> Any:
    """The trainer, if the actor may declare for them: themself, or the staff who edit their profile (people's
    rule). 404 for a trainer of another organisation, 403 for a read-only one."""
    trainer = trainer_get(actor=actor, trainer_id=trainer_id)
    if not trainer_editable_fields(actor=actor, trainer=trainer):
        raise PermissionDenied("trainers.propose")
    return trainer


@transaction.atomic
def trainer_competency_declare(
    *, actor: Any, trainer_id: int, competency_id: int, level: str, evidence: str = ""
) -> TrainerCompetency:
    """Declare that a trainer holds a competency at a level (with what shows it): proposed to the committee of the
    competency's network. Declaring it again (another level, after a refusal) proposes it again."""
    trainer = _trainer_for_declaration(actor, trainer_id)
    _check_level(level, required=True)
    item = _applicable_competency(trainer.organisation_id, competency_id)
    evidence = (evidence or "").strip()
    line = TrainerCompetency.objects.select_for_update().filter(trainer=trainer, competency__key=item.key).first()
    if line is None:
        line = TrainerCompetency(trainer=trainer, competency=item)
    elif (line.level, line.evidence, line.competency_id) == (level, evidence, item.pk) and (
        line.state != TrainerCompetencyState.REFUSED
    ):
        return line
    line.competency = item
    line.level = level
    line.evidence = evidence
    line.state = TrainerCompetencyState.PROPOSED
    line.declared_by = actor.user
    line.validated_by = None
    line.validated_at = None
    line.decision_reason = ""
    line.save()
    log_action(
        actor=actor.user,
        obj=trainer,
        action="referentiel.trainer_competency.declared",
        data={"competency": item.code, "version": item.version.number, "level": level},
    )
    return line


@transaction.atomic
def trainer_competency_withdraw(*, actor: Any, trainer_id: int, line_id: int) -> None:
    trainer = _trainer_for_declaration(actor, trainer_id)
    line = TrainerCompetency.objects.filter(pk=line_id, trainer=trainer).select_related("competency").first()
    if line is None:
        raise Http404
    code = line.competency.code
    line.delete()
    log_action(
        actor=actor.user, obj=trainer, action="referentiel.trainer_competency.withdrawn", data={"competency": code}
    )


@transaction.atomic
def trainer_competency_decide(
    *, user: Any, network_id: int, line_id: int, accept: bool, reason: str = ""
) -> TrainerCompetency:
    """The committee of the competency's network validates or refuses a declared line (a refusal says why)."""
    network = _network(network_id)
    _require_member(user, network)
    line = (
        TrainerCompetency.objects.select_for_update()
        .select_related("competency", "trainer")
        .filter(pk=line_id, competency__version__referentiel__network=network)
        .first()
    )
    if line is None:
        raise Http404
    if user is not None and not access.may_validate_trainers(user, network):
        raise PermissionDenied("referentiel.validate_trainer")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError(
            {"reason": _("Dites au formateur ou à la formatrice pourquoi cette compétence est refusée.")}
        )
    line.state = TrainerCompetencyState.VALIDATED if accept else TrainerCompetencyState.REFUSED
    line.validated_by = user
    line.validated_at = timezone.now()
    line.decision_reason = reason
    line.save(update_fields=["state", "validated_by", "validated_at", "decision_reason", "updated_at"])
    log_action(
        actor=user,
        obj=line.trainer,
        action="referentiel.trainer_competency.validated" if accept else "referentiel.trainer_competency.refused",
        data={"competency": line.competency.code, "level": line.level, "reason": reason},
    )
    return line
