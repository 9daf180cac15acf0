# SPDX-License-Identifier: AGPL-3.0-or-later
import factory

from coopforma.accounts.tests.factories import OrganisationFactory
from coopforma.catalogue.models import Training
from coopforma.catalogue.search import training_search_text
from coopforma.people.tests.factories import MemberStructureFactory


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    organisation = factory.SubFactory(OrganisationFactory)
    member_structure = factory.SubFactory(MemberStructureFactory, organisation=factory.SelfAttribute("..organisation"))
    title = factory.Sequence(lambda n: f"Formation {n}")
    summary = "Une formation pour coopérer."
    objectives = ["Identifier les acteurs d'un territoire", "Animer une réunion participative"]
    audience = "Salarié·es et entrepreneur·es de coopératives"
    prerequisites = "Aucun"
    content = "Jour 1 : diagnostic. Jour 2 : animation."
    duration_minutes = 14 * 60
    modality = "on_site"
    methods = "Apports, études de cas, mises en situation"
    evaluation_methods = "Quiz de positionnement, mise en situation finale"
    accessibility = "Locaux accessibles ; contactez la référente handicap."
    price_inter_cents = 70000
    nsf_code = "333"
    formacode = "15043"
    bpf_objective = "d"
    status = "validated"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Saved with its public search text, as the services save a training."""
        training = model_class(*args, **kwargs)
        training.search_text = training_search_text(training)
        training.save()
        return training
