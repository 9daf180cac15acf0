# SPDX-License-Identifier: AGPL-3.0-or-later
"""The national register of training organisations (DGEFP « liste publique des organismes de formation »).

The list is public data (Code du travail L6351-7-1, Licence Ouverte / Etalab 2.0): it belongs to no organisation
of this installation, so its models are not tenant models. One row per declared OF, keyed by its NDA; each import
is recorded (`RegistryImport`) and each row keeps the import that last changed it and the one that last saw it.
A row that is no longer in the list is kept and marked absent (`present=False`, `absent_since`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
