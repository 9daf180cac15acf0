# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from coopforma.accounts.actor import actor_for
from coopforma.accounts.roles import Role
from coopforma.core.models import ActivityLog
from coopforma.documents import rendering
from coopforma.documents.models import DocumentTemplate
from coopforma.documents.registry import KindHooks
from coopforma.documents.template_selectors import active_template, template_preview
from coopforma.documents.template_services import template_reset, template_save
from coopforma.documents.tests.test_template_support import DEFAULT_BODY, make_kind, registered


@pytest.fixture
def kind():  # type: ignore[no-untyped-def]
    with registered(make_kind()) as kinds:
        yield kinds[0]


def save(actor, kind, body=DEFAULT_BODY, **overrides):  # type: ignore[no-untyped-def]
    values = {"name": "Notre attestation", "body": body, "requires_quality_signature": True, "signers": ["trainee"]}
    values.update(overrides)
    return template_save(actor=actor, kind=kind, **values)


def body_error(excinfo) -> str:  # type: ignore[no-untyped-def]
    return " ".join(excinfo.value.message_dict["body"])


def test_save_creates_the_first_version_and_logs_it(kind, quality_actor, org):
    template = save(quality_actor, kind)
    assert (template.version, template.is_active, template.kind) == (1, True, kind.code)
    assert template.signers == ["trainee"] and template.requires_quality_signature
    assert template.updated_by == quality_actor.user
    assert active_template(organisation=org, kind=kind) == template
    assert active_template(organisation=org, kind=kind.code) == template
    log = ActivityLog.objects.get(action="documents.template.updated")
    assert log.data["kind"] == kind.code and log.data["version"] == 1 and log.object_id == template.pk


def test_each_save_keeps_the_previous_version(kind, admin_actor, org):
    first = save(admin_actor, kind)
    second = save(admin_actor, kind, body=DEFAULT_BODY + "\nFait pour valoir ce que de droit.\n", signers=[])
    first.refresh_from_db()
    assert first.is_active is False and first.body == DEFAULT_BODY
    assert (second.version, second.is_active, second.signers) == (2, True, [])
    assert DocumentTemplate.objects.filter(organisation=org, kind=kind.code).count() == 2
    log = ActivityLog.objects.filter(action="documents.template.updated").order_by("-id").first()
    assert log.data["version"] == 2 and log.data["changes"]["signers"] == [["trainee"], []]
    assert log.data["body_changed"] is True


def test_saving_the_same_text_makes_no_new_version(kind, admin_actor):
    first = save(admin_actor, kind)
    assert save(admin_actor, kind).pk == first.pk
    assert DocumentTemplate.objects.count() == 1


def test_unknown_keyword_is_refused_with_its_line_and_full_name(kind, admin_actor, org):
    body = "= Titre\n\nBonjour {{ trainee.full_name }}\n{{ session.titel }}\n"
    with pytest.raises(ValidationError) as excinfo:
        save(admin_actor, kind, body=body)
    message = body_error(excinfo)
    assert "Ligne 4" in message
    assert "« session.titel »" in message
    assert "session.title" in message  # the suggestion
    assert excinfo.value.line == 4
    assert not DocumentTemplate.objects.filter(organisation=org).exists()


def test_unknown_top_level_keyword_names_it(kind, admin_actor):
    with pytest.raises(ValidationError) as excinfo:
        save(admin_actor, kind, body="a\nb\n{{ client.siret }}\n")
    assert "Ligne 3" in body_error(excinfo) and "client" in body_error(excinfo)


def test_syntax_error_is_refused_with_its_line(kind, admin_actor):
    body = "= Titre\n{% for slot in session.slots %}\n- {{ slot.date }}\n"
    with pytest.raises(ValidationError) as excinfo:
        save(admin_actor, kind, body=body)
    assert "erreur de syntaxe" in body_error(excinfo)
    assert "Ligne " in body_error(excinfo)


@pytest.mark.parametrize(
    "body", ["{{ session.__class__ }}", "x\n{{ session.title.__class__.__mro__ }}", "{{ [].__class__ }}"]
)
def test_reaching_python_attributes_is_refused(kind, admin_actor, body):
    with pytest.raises(ValidationError) as excinfo:
        save(admin_actor, kind, body=body)
    assert "opération interdite" in body_error(excinfo)
    assert not DocumentTemplate.objects.exists()


def test_a_template_over_the_size_limit_is_refused(kind, admin_actor):
    body = "a" * (rendering.MAX_TEMPLATE_CHARS + 1)
    with pytest.raises(ValidationError) as excinfo:
        save(admin_actor, kind, body=body)
    assert str(rendering.MAX_TEMPLATE_CHARS) in body_error(excinfo)
    assert not DocumentTemplate.objects.exists()


def test_typst_errors_are_refused(kind, admin_actor):
    with pytest.raises(ValidationError) as excinfo:
        save(admin_actor, kind, body='#read("/etc/passwd")\n')
    assert "mise en page impossible" in body_error(excinfo)


def test_name_and_signers_are_checked(kind, admin_actor):
    with pytest.raises(ValidationError) as excinfo:
        save(admin_actor, kind, name="  ", signers=["trainee", "pirate"], body="")
    errors = excinfo.value.message_dict
    assert "nom" in errors["name"][0] and "pirate" in errors["signers"][0] and "vide" in errors["body"][0]


def test_only_admin_and_quality_may_save(kind, manager_actor, trainer_actor):
    for actor in (manager_actor, trainer_actor):
        with pytest.raises(PermissionDenied):
            save(actor, kind)
        with pytest.raises(PermissionDenied):
            template_reset(actor=actor, kind=kind)
    assert not DocumentTemplate.objects.exists()


def test_versions_are_per_organisation(kind, admin_actor, stranger, other_org, org):
    save(admin_actor, kind)
    other = save(actor_for(stranger, other_org, Role.ADMIN), kind, name="Ailleurs")
    assert other.version == 1 and other.organisation == other_org
    assert active_template(organisation=org, kind=kind).name == "Notre attestation"


def test_reset_goes_back_to_the_default_and_keeps_the_versions(kind, admin_actor, org):
    save(admin_actor, kind)
    second = save(admin_actor, kind, name="V2")
    reset = template_reset(actor=admin_actor, kind=kind)
    assert reset.pk == second.pk
    assert active_template(organisation=org, kind=kind) is None
    assert DocumentTemplate.objects.filter(organisation=org, kind=kind.code, is_active=False).count() == 2
    assert ActivityLog.objects.filter(action="documents.template.reset", data__version=2).exists()
    with pytest.raises(ValidationError, match="déjà le modèle par défaut"):
        template_reset(actor=admin_actor, kind=kind)
    # Saving again after a reset continues the numbering.
    assert save(admin_actor, kind, name="V3").version == 3


def test_preview_renders_png_pages_with_the_examples(kind, admin_actor):
    preview = template_preview(actor=admin_actor, kind=kind, body=DEFAULT_BODY)
    assert preview.problem is None and preview.page_count == 1
    assert preview.pages[0].startswith("data:image/png;base64,iVBORw0KGgo")


def test_preview_reports_problems_instead_of_raising(kind, admin_actor):
    preview = template_preview(actor=admin_actor, kind=kind, body="ok\n{{ nope }}")
    assert preview.pages == [] and preview.problem.line == 2 and preview.problem.keyword == "nope"


def test_preview_with_real_data_and_missing_items(admin_actor):
    subjects = [("Réel complet", {"name": "Alex Réel"}), ("Réel incomplet", {"name": "Zoé", "incomplete": True})]
    kind = make_kind("test_real", hooks=KindHooks(preview_subjects=lambda actor: subjects))
    with registered(kind):
        preview = template_preview(actor=admin_actor, kind=kind, body="{{ trainee.full_name }}", subject=1)
        assert preview.subject_label == "Réel incomplet"
        assert [m.label for m in preview.missing] == ["Le SIRET du client"]
        assert preview.pages
        with pytest.raises(Http404):
            template_preview(actor=admin_actor, kind=kind, body="x", subject=5)
