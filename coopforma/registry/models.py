# SPDX-License-Identifier: AGPL-3.0-or-later
"""The national register of training organisations (DGEFP « liste publique des organismes de formation »).

The list is public data (Code du travail L6351-7-1, Licence Ouverte / Etalab 2.0): it belongs to no organisation
of this installation, so its models are not tenant models. One row per declared OF, keyed by its NDA; each import
is recorded (`RegistryImport`) and each row keeps the import that last changed it and the one that last saw it.
A row that is no longer in the list is kept and marked absent (`present=False`, `absent_since`).

The directory of Qualiopi certifiers (docs/certifiers.md) lives here too: the certifiers (public, curated), the
certifier each organisation chose, its reviews after each audit, and the group agreements a network negotiated.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coopforma.accounts.models import Organisation
from coopforma.core.identifiers import validate_siren, validate_siret
from coopforma.core.models import TimeStampedModel
from coopforma.networks.models import Network


class RegistryImport(models.Model):
    """One run of `coopforma registry import-of`: its source, its dates and what it did."""

    source = models.CharField(_("source"), max_length=500)
    started_at = models.DateTimeField(_("commencé le"))
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("lignes lues"), default=0)
    created = models.PositiveIntegerField(_("créés"), default=0)
    updated = models.PositiveIntegerField(_("mis à jour"), default=0)
    unchanged = models.PositiveIntegerField(_("inchangés"), default=0)
    absent = models.PositiveIntegerField(_("absents de la dernière liste"), default=0)
    rejected = models.PositiveIntegerField(_("lignes rejetées"), default=0)
    errors = models.JSONField(_("premières erreurs"), default=list, blank=True)

    class Meta:
        verbose_name = _("import de la liste publique des OF")
        verbose_name_plural = _("imports de la liste publique des OF")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} ({self.started_at:%d/%m/%Y %H:%M})"


class RegisteredOrganisation(models.Model):
    """A training organisation of the public list (one row per NDA, the list's primary key)."""

    nda = models.CharField(_("numéro de déclaration d'activité"), max_length=11, unique=True)
    previous_ndas = models.CharField(_("numéros de déclaration précédents"), max_length=200, blank=True)
    name = models.CharField(_("dénomination"), max_length=300)
    # The name lower-cased, without accents or punctuation, words separated by one space and a leading space:
    # " cae exemple coop fictif scop". A word prefix is `contains(" " + prefix)` on every database.
    search_name = models.CharField(_("dénomination normalisée"), max_length=320, db_index=True)
    siren = models.CharField(_("SIREN"), max_length=9, db_index=True)
    siret = models.CharField(_("SIRET de l'établissement déclarant"), max_length=14, db_index=True)
    street = models.CharField(_("adresse"), max_length=300, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=200, blank=True)
    region_code = models.CharField(_("code région"), max_length=3, blank=True)
    # The four Qualiopi categories (Code du travail L6313-1).
    qualiopi_training = models.BooleanField(_("Qualiopi : actions de formation"), default=False)
    qualiopi_skills_assessment = models.BooleanField(_("Qualiopi : bilans de compétences"), default=False)
    qualiopi_vae = models.BooleanField(_("Qualiopi : VAE"), default=False)
    qualiopi_apprenticeship = models.BooleanField(_("Qualiopi : actions de formation par apprentissage"), default=False)
    foreign_name = models.CharField(_("organisme étranger représenté"), max_length=300, blank=True)
    foreign_street = models.CharField(_("adresse de l'organisme étranger"), max_length=300, blank=True)
    foreign_postal_code = models.CharField(_("code postal de l'organisme étranger"), max_length=20, blank=True)
    foreign_city = models.CharField(_("commune de l'organisme étranger"), max_length=200, blank=True)
    foreign_country = models.CharField(_("pays de l'organisme étranger"), max_length=100, blank=True)
    last_declared_on = models.DateField(_("date de la dernière déclaration"), null=True, blank=True)
    fiscal_year_start = models.DateField(_("début de l'exercice"), null=True, blank=True)
    fiscal_year_end = models.DateField(_("fin de l'exercice"), null=True, blank=True)
    nsf_code_1 = models.CharField(_("spécialité 1 (code NSF)"), max_length=4, blank=True)
    nsf_label_1 = models.CharField(_("spécialité 1"), max_length=300, blank=True)
    nsf_code_2 = models.CharField(_("spécialité 2 (code NSF)"), max_length=4, blank=True)
    nsf_label_2 = models.CharField(_("spécialité 2"), max_length=300, blank=True)
    nsf_code_3 = models.CharField(_("spécialité 3 (code NSF)"), max_length=4, blank=True)
    nsf_label_3 = models.CharField(_("spécialité 3"), max_length=300, blank=True)
    trainees = models.PositiveIntegerField(_("nombre de stagiaires"), null=True, blank=True)
    trainees_from_other_of = models.PositiveIntegerField(
        _("stagiaires confiés par un autre organisme"), null=True, blank=True
    )
    trainers = models.PositiveIntegerField(_("effectif de formateurs"), null=True, blank=True)
    # A digest of the row as read: an unchanged row writes nothing on the next import.
    content_hash = models.CharField(_("empreinte de la ligne"), max_length=32)
    present = models.BooleanField(_("dans la dernière liste"), default=True)
    absent_since = models.DateField(_("absent de la liste depuis"), null=True, blank=True)
    imported = models.ForeignKey(
        RegistryImport,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("import qui l'a créé ou modifié en dernier"),
    )

    class Meta:
        verbose_name = _("organisme de la liste publique")
        verbose_name_plural = _("organismes de la liste publique")
        ordering = ["name", "nda"]

    def __str__(self) -> str:
        return f"{self.name} ({self.nda})"

    @property
    def specialities(self) -> list[tuple[str, str]]:
        pairs = [
            (self.nsf_code_1, self.nsf_label_1),
            (self.nsf_code_2, self.nsf_label_2),
            (self.nsf_code_3, self.nsf_label_3),
        ]
        return [(code, label) for code, label in pairs if code or label]


class RegisteredName(models.Model):
    """One word of an organisation's normalised name: the name search's index (prefix of a word, any position)."""

    organisation = models.ForeignKey(
        RegisteredOrganisation,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the index (organisation, word) below serves it
        verbose_name=_("organisme"),
    )
    word = models.CharField(_("mot"), max_length=40, db_index=True)

    class Meta:
        verbose_name = _("mot d'une dénomination")
        verbose_name_plural = _("mots des dénominations")
        # The other words of the query are checked organisation by organisation through this index.
        indexes = [models.Index(fields=["organisation", "word"], name="registry_name_org_word")]

    def __str__(self) -> str:
        return self.word


# --- The network's directory of Qualiopi certifiers (« référencement ») ------------------------------------------


class CertifierKind(models.TextChoices):
    """The two routes to Qualiopi (Code du travail R6316-2, R6316-3): a body accredited by Cofrac (ISO/IEC 17065),
    or an « instance de labellisation » recognised by France compétences."""

    BODY = "cofrac", _("Organisme certificateur accrédité Cofrac")
    LABELLING = "labelling", _("Instance de labellisation")


class AuditKind(models.TextChoices):
    INITIAL = "initial", _("Audit initial")
    SURVEILLANCE = "surveillance", _("Audit de surveillance")
    RENEWAL = "renewal", _("Audit de renouvellement")


UNVERIFIED = "à vérifier"


class Certifier(TimeStampedModel):
    """A Qualiopi certifier: public data, the same for every organisation and network of this installation (the
    list is curated by hand from the ministry's and Cofrac's pages: there is no machine-readable source)."""

    code = models.SlugField(_("identifiant court"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    # names.normalise(name): what an organisation's free-text certifier is matched against.
    search_name = models.CharField(_("nom normalisé"), max_length=200, db_index=True)
    kind = models.CharField(_("type"), max_length=20, choices=CertifierKind.choices, default=CertifierKind.BODY)
    accreditation_number = models.CharField(_("n° d'accréditation Cofrac"), max_length=40, blank=True)
    accreditation_scope = models.CharField(_("portée de l'accréditation"), max_length=300, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    website = models.URLField(_("site web"), blank=True)
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail du contact"), blank=True)
    contact_phone = models.CharField(_("téléphone du contact"), max_length=30, blank=True)
    source = models.CharField(_("source"), max_length=500, default=UNVERIFIED)
    checked_on = models.DateField(_("vérifié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificateur Qualiopi")
        verbose_name_plural = _("certificateurs Qualiopi")
        ordering = ["search_name", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def unverified(self) -> bool:
        return not self.checked_on or self.source.strip().lower() == UNVERIFIED


class CertifierChoice(TimeStampedModel):
    """The certifier an organisation says it works with (its certificate's dates stay on the organisation), and
    whether its networks may see it (certifier and certificate dates: the audit calendar, the certifier's page)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="certifier_choice", verbose_name=_("organisation")
    )
    certifier = models.ForeignKey(
        Certifier, on_delete=models.PROTECT, related_name="choices", verbose_name=_("certificateur")
    )
    visible_to_network = models.BooleanField(_("visible par le réseau"), default=False)

    class Meta:
        verbose_name = _("certificateur d'une organisation")
        verbose_name_plural = _("certificateurs des organisations")

    def __str__(self) -> str:
        return f"{self.organisation} → {self.certifier}"


class CertifierReview(TimeStampedModel):
    """An organisation's review of its certifier after one audit. Its own until it consents (`visible_to_network`):
    then its networks count it in their figures and read it on the certifier's page."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="certifier_reviews", verbose_name=_("organisation")
    )
    certifier = models.ForeignKey(
        Certifier, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("certificateur")
    )
    audit_kind = models.CharField(_("type d'audit"), max_length=20, choices=AuditKind.choices)
    audit_date = models.DateField(_("date de l'audit"))
    price_cents = models.PositiveIntegerField(_("prix payé HT (centimes)"), null=True, blank=True)
    audit_days = models.DecimalField(_("jours d'audit"), max_digits=4, decimal_places=1, null=True, blank=True)
    understanding = models.PositiveSmallIntegerField(
        _("compréhension des coopératives par l'auditeur·rice (1 à 5)"), null=True, blank=True
    )
    major_nonconformities = models.PositiveSmallIntegerField(_("non-conformités majeures"), default=0)
    minor_nonconformities = models.PositiveSmallIntegerField(_("non-conformités mineures"), default=0)
    nonconformities_text = models.TextField(_("non-conformités relevées"), blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    visible_to_network = models.BooleanField(_("visible par le réseau"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("avis sur un audit Qualiopi")
        verbose_name_plural = _("avis sur les audits Qualiopi")
        ordering = ["-audit_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(understanding__isnull=True) | models.Q(understanding__gte=1, understanding__lte=5),
                name="registry_review_understanding_1_5",
                violation_error_message=_("La note de compréhension des coopératives va de 1 à 5."),
            ),
            models.CheckConstraint(
                condition=models.Q(audit_days__isnull=True) | models.Q(audit_days__gt=0),
                name="registry_review_days_positive",
                violation_error_message=_("Le nombre de jours d'audit doit être positif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certifier} · {self.get_audit_kind_display()} · {self.audit_date:%d/%m/%Y}"


class CertifierAgreement(TimeStampedModel):
    """Terms a network negotiated with a certifier for its members (a group price, days, a discount)."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="certifier_agreements", verbose_name=_("réseau")
    )
    certifier = models.ForeignKey(
        Certifier, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("certificateur")
    )
    title = models.CharField(_("intitulé"), max_length=200)
    price_cents = models.PositiveIntegerField(_("prix HT (centimes)"), null=True, blank=True)
    audit_days = models.DecimalField(_("jours d'audit"), max_digits=4, decimal_places=1, null=True, blank=True)
    discount_percent = models.DecimalField(_("remise (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    valid_from = models.DateField(_("valable du"), null=True, blank=True)
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    document = models.FileField(_("convention (PDF)"), upload_to="registry/agreements/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("accord de groupe avec un certificateur")
        verbose_name_plural = _("accords de groupe avec les certificateurs")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="registry_agreement_dates_ordered",
                violation_error_message=_("La fin de validité de l'accord doit suivre son début."),
            ),
            models.CheckConstraint(
                condition=models.Q(discount_percent__isnull=True)
                | models.Q(discount_percent__gte=0, discount_percent__lte=100),
                name="registry_agreement_discount_0_100",
                violation_error_message=_("La remise est un pourcentage de 0 à 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.certifier})"
