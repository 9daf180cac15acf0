# SPDX-License-Identifier: AGPL-3.0-or-later
"""Questionnaires, their sending per session, the invitations (one link per person) and the answers.

A `Questionnaire` is an organisation's editable form of one `QuestionnaireKind` (the shipped French templates
are copied into each organisation). A `Survey` sends one questionnaire for one session; an `Invitation` is one
person's link (token stored hashed) with its sending, reminders and the moment it was answered. A `Response`
holds the answers; when the questionnaire is anonymous the response keeps no link to its invitation nor to
the person (the invitation only records *that* it was answered), so results can never reveal an author.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import TenantModel
from coopforma.people.models import Contact, Trainer
from coopforma.training_sessions.models import Enrolment, Participant, Session


class QuestionnaireKind(models.TextChoices):
    NEEDS = "needs", _("Analyse des besoins et positionnement (avant)")
    HOT = "hot", _("Satisfaction à chaud (fin de session)")
    COLD = "cold", _("Évaluation à froid (trois mois après)")
    CLIENT = "client", _("Satisfaction du client")
    FUNDER = "funder", _("Satisfaction du financeur")
    TRAINER = "trainer", _("Bilan du ou de la formateur·rice")
    SKILLS = "skills", _("Évaluation des acquis (par objectif)")


class RespondentKind(models.TextChoices):
    TRAINEE = "trainee", _("Stagiaire")
    CLIENT = "client", _("Client")
    FUNDER = "funder", _("Financeur")
    TRAINER = "trainer", _("Formateur·rice")


class QuestionType(models.TextChoices):
    SCALE = "scale", _("Échelle")
    SINGLE = "single", _("Choix unique")
    MULTIPLE = "multiple", _("Choix multiples")
    YES_NO = "yes_no", _("Oui / non")
    TEXT = "text", _("Texte libre")
    OBJECTIVES = "objectives", _("Auto-évaluation par objectif du programme")


class Measure(models.TextChoices):
    """What a question feeds in the results (and the published indicators)."""

    NONE = "", _("—")
    SATISFACTION = "satisfaction", _("Satisfaction globale")
    RECOMMENDATION = "recommendation", _("Recommandation")
    OBJECTIVES = "objectives", _("Atteinte des objectifs")


class Questionnaire(TenantModel):
    kind = models.CharField(_("type"), max_length=10, choices=QuestionnaireKind.choices)
    respondent = models.CharField(_("répondant·e"), max_length=10, choices=RespondentKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    is_anonymous = models.BooleanField(_("réponses anonymes"), default=False)
    is_active = models.BooleanField(_("utilisé pour les nouvelles sessions"), default=True)
    # When to send, relative to the session: days before its start (needs) or after its end (others).
    send_offset_days = models.IntegerField(_("envoi (jours après la fin ; négatif = avant le début)"), default=0)
    open_days = models.PositiveSmallIntegerField(_("durée d'ouverture (jours)"), default=21)
    reminder_days = models.PositiveSmallIntegerField(_("relance après (jours)"), default=7)
    max_reminders = models.PositiveSmallIntegerField(_("nombre de relances"), default=2)

    class Meta:
        verbose_name = _("questionnaire")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class Question(TenantModel):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("rang"), default=0)
    type = models.CharField(_("type de question"), max_length=12, choices=QuestionType.choices)
    label = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("aide"), max_length=500, blank=True)
    choices = models.JSONField(_("choix"), default=list, blank=True)  # single / multiple
    scale_max = models.PositiveSmallIntegerField(_("échelle de 1 à"), default=5)  # scale, objectives
    required = models.BooleanField(_("obligatoire"), default=True)
    measure = models.CharField(_("mesure"), max_length=20, choices=Measure.choices, blank=True, default="")
    # A question already sent is never deleted nor changed (answers stay readable): it is archived instead.
    is_archived = models.BooleanField(_("archivée"), default=False)

    class Meta:
        verbose_name = _("question")
        ordering = ["questionnaire", "position", "id"]

    def __str__(self) -> str:
        return self.label


class SurveyStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Programmé")
    OPEN = "open", _("Ouvert")
    CLOSED = "closed", _("Clos")


class Survey(TenantModel):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="surveys")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="surveys")
    # The questions as sent (a later edit of the questionnaire does not change what was asked).
    snapshot = models.JSONField(_("questions envoyées"), default=dict, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.SCHEDULED, db_index=True
    )
    send_on = models.DateField(_("envoi prévu le"), db_index=True)
    closes_at = models.DateTimeField(_("clôture"), null=True, blank=True)
    opened_at = models.DateTimeField(_("ouvert le"), null=True, blank=True)

    # Only on the rows of `evaluations.selectors.surveys_of_session` (with its annotated counts).
    rate: Decimal | None

    class Meta:
        verbose_name = _("envoi de questionnaire")
        constraints = [
            models.UniqueConstraint(fields=["session", "questionnaire"], name="survey_unique_per_session"),
        ]


class Invitation(TenantModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    # Exactly one of these is the person asked.
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="evaluation_invitations"
    )
    enrolment = models.ForeignKey(  # client or funder questionnaires, per enrolment
        Enrolment, on_delete=models.CASCADE, null=True, blank=True, related_name="evaluation_invitations"
    )
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    trainer = models.ForeignKey(
        Trainer, on_delete=models.CASCADE, null=True, blank=True, related_name="evaluation_invitations"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    # Random; the link's token is an HMAC of it with the SECRET_KEY (so reminders can repeat the same link
    # while the database alone never reveals a working link). A new nonce invalidates the old link.
    nonce = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("relances envoyées"), default=0)
    last_reminded_at = models.DateTimeField(_("dernière relance"), null=True, blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "participant"],
                condition=models.Q(participant__isnull=False),
                name="invitation_unique_participant",
                violation_error_message=_("Ce·tte stagiaire est déjà invité·e à ce questionnaire."),
            ),
            models.UniqueConstraint(
                fields=["survey", "enrolment"],
                condition=models.Q(enrolment__isnull=False),
                name="invitation_unique_enrolment",
                violation_error_message=_("Ce client est déjà invité à ce questionnaire."),
            ),
            models.UniqueConstraint(
                fields=["survey", "trainer"],
                condition=models.Q(trainer__isnull=False),
                name="invitation_unique_trainer",
                violation_error_message=_("Ce·tte formateur·rice est déjà invité·e à ce questionnaire."),
            ),
        ]


class Response(TenantModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Null when the questionnaire is anonymous: nothing links the answers to a person.
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    # Day only, so that an anonymous response cannot be matched to an invitation's answered_at: hence no
    # created_at / updated_at timestamps either (neither here nor on the answers).
    submitted_on = models.DateField(_("répondu le"))
    created_at = None
    updated_at = None

    class Meta:
        verbose_name = _("réponse")


class Answer(TenantModel):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    objective_index = models.PositiveSmallIntegerField(null=True, blank=True)  # OBJECTIVES questions
    value = models.IntegerField(null=True, blank=True)  # scale (1..n), yes/no (1/0), single (choice index)
    choices = models.JSONField(default=list, blank=True)  # multiple: choice indexes
    text = models.TextField(blank=True)
    created_at = None  # see Response
    updated_at = None

    class Meta:
        verbose_name = _("réponse à une question")
        indexes = [models.Index(fields=["question", "value"])]


class PublishedIndicator(TenantModel):
    """A result the organisation publishes on its public training pages (Qualiopi indicator 2)."""

    measure = models.CharField(_("indicateur"), max_length=20)  # e.g. satisfaction, completion, objectives
    training = models.ForeignKey(
        "catalogue.Training",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="published_indicators",
        verbose_name=_("formation"),
        help_text=_("Vide : publié sur toutes les formations."),
    )
    period_months = models.PositiveSmallIntegerField(_("période (mois glissants)"), default=12)
    min_sample = models.PositiveSmallIntegerField(_("échantillon minimum"), default=5)
    is_active = models.BooleanField(_("publié"), default=True)
    # True: computed on the sessions of the training of the page; False: on every session of the OF.
    per_training = models.BooleanField(_("calculé sur la formation affichée"), default=True)

    class Meta:
        verbose_name = _("indicateur publié")
