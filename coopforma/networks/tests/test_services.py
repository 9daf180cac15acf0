# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from coopforma.accounts.tests.factories import UserFactory
from coopforma.core.models import ActivityLog
from coopforma.networks import selectors, services
from coopforma.networks.access import actor_for
from coopforma.networks.models import NetworkOrganisation, NetworkRole, PartnerState
from coopforma.networks.tests.factories import NetworkFactory, PartnerFactory, moderator_actor, person

pytestmark = pytest.mark.django_db

VALID_SIRET = "73282932000074"


def test_a_member_proposes_a_partner_and_becomes_its_manager():
    network = NetworkFactory()
    member = person(network, NetworkRole.MEMBER)
    actor = actor_for(member.user, network)
    partner = services.partner_propose(actor=actor, name="PTCE du Val", kind="ptce", city="Die", siret=VALID_SIRET)
    assert partner.state == PartnerState.PROPOSED
    assert partner.slug == "ptce-du-val"
    assert list(partner.managers.all()) == [member.user]
    assert ActivityLog.objects.filter(action="networks.partner.proposed", object_id=partner.pk).exists()
    # Two structures with the same name get two addresses.
    assert services.partner_propose(actor=actor, name="PTCE du Val", kind="ptce").slug == "ptce-du-val-2"


def test_a_bad_partner_is_refused_with_french_errors_and_nothing_written():
    network = NetworkFactory()
    actor = moderator_actor(network)
    with pytest.raises(ValidationError) as err:
        services.partner_propose(actor=actor, name=" ", kind="castle", siret="12345678901234", postal_code="690")
    assert set(err.value.message_dict) == {"name", "kind", "siret", "postal_code"}
    assert "5 chiffres" in err.value.message_dict["postal_code"][0]
    assert not network.partners.exists()


def test_a_member_cannot_moderate_but_the_managers_edit_their_page():
    network = NetworkFactory()
    member = actor_for(person(network).user, network)
    partner = services.partner_propose(actor=member, name="La Fabrique", kind="fabrique")
    member = actor_for(member.user, network)  # now one of its managers
    with pytest.raises(PermissionDenied):
        services.partner_publish(actor=member, partner_id=partner.pk)
    services.partner_update(actor=member, partner_id=partner.pk, description="Un atelier partagé.")
    other = actor_for(person(network).user, network)
    with pytest.raises(PermissionDenied):
        services.partner_update(actor=other, partner_id=partner.pk, description="Pas à moi.")


def test_moderators_publish_and_refuse_with_a_reason():
    network = NetworkFactory()
    actor = moderator_actor(network)
    partner = PartnerFactory(network=network, state=PartnerState.PROPOSED)
    with pytest.raises(ValidationError) as err:
        services.partner_refuse(actor=actor, partner_id=partner.pk, reason="  ")
    assert "motif" in err.value.message_dict["reason"][0]
    services.partner_refuse(actor=actor, partner_id=partner.pk, reason="Hors du territoire du réseau.")
    partner.refresh_from_db()
    assert (partner.state, partner.moderation_reason) == (PartnerState.REFUSED, "Hors du territoire du réseau.")
    with pytest.raises(Http404):
        selectors.partner_public_get(network_slug=network.slug, partner_slug=partner.slug)
    services.partner_publish(actor=actor, partner_id=partner.pk)
    assert selectors.partner_public_get(network_slug=network.slug, partner_slug=partner.slug) == partner


def test_a_moderator_of_another_network_gets_404_on_our_ids():
    ours, theirs = NetworkFactory(), NetworkFactory()
    partner = PartnerFactory(network=ours, state=PartnerState.PROPOSED)
    ours_person = person(ours)
    foreign = moderator_actor(theirs)
    for call in (
        lambda: services.partner_publish(actor=foreign, partner_id=partner.pk),
        lambda: services.partner_refuse(actor=foreign, partner_id=partner.pk, reason="non"),
        lambda: services.partner_update(actor=foreign, partner_id=partner.pk, name="Volée"),
        lambda: services.person_remove(actor=foreign, person_id=ours_person.pk),
        lambda: selectors.partner_get(actor=foreign, partner_id=partner.pk),
    ):
        with pytest.raises(Http404):
            call()
    partner.refresh_from_db()
    assert partner.state == PartnerState.PROPOSED


def test_people_and_roles_keep_one_moderator():
    network = NetworkFactory()
    actor = moderator_actor(network)
    user = UserFactory(email="alix@example.org")
    added = services.person_add(actor=actor, email="ALIX@example.org", role=NetworkRole.COMMITTEE)
    assert added.user == user
    with pytest.raises(ValidationError) as err:
        services.person_add(actor=actor, email="personne@example.org", role=NetworkRole.MEMBER)
    assert "compte" in err.value.message_dict["email"][0]
    me = network.people.get(user=actor.user)
    with pytest.raises(ValidationError) as err:
        services.person_change_role(actor=actor, person_id=me.pk, role=NetworkRole.MEMBER)
    assert "au moins" in err.value.message_dict["role"][0]
    services.person_change_role(actor=actor, person_id=added.pk, role=NetworkRole.MODERATOR)
    services.person_remove(actor=actor, person_id=me.pk)
    assert not network.people.filter(user=actor.user).exists()


def test_member_organisations(org):
    network = NetworkFactory()
    actor = moderator_actor(network)
    with pytest.raises(ValidationError):
        services.membership_add(actor=actor, organisation_slug="inconnue")
    membership = services.membership_add(actor=actor, organisation_slug=org.slug)
    with pytest.raises(ValidationError):
        services.membership_add(actor=actor, organisation_slug=org.slug)
    services.membership_remove(actor=actor, membership_id=membership.pk)
    assert not NetworkOrganisation.objects.exists()


def test_my_networks_and_the_menu_flag():
    network, other = NetworkFactory(name="A"), NetworkFactory(name="B")
    member = person(network)
    manager = UserFactory()
    PartnerFactory(network=other).managers.add(manager)
    refused_manager = UserFactory()
    PartnerFactory(network=other, state=PartnerState.REFUSED).managers.add(refused_manager)
    assert list(selectors.networks_of_user(user=member.user)) == [network]
    assert list(selectors.networks_of_user(user=manager)) == [other]
    assert selectors.user_has_network_space(user=member.user)
    assert selectors.user_has_network_space(user=manager)
    assert not selectors.user_has_network_space(user=refused_manager)
    assert not selectors.user_has_network_space(user=UserFactory())
