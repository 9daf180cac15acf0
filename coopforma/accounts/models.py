# SPDX-License-Identifier: AGPL-3.0-or-later
"""Users, the Organisation (tenant root: one OF), memberships with roles, API tokens."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from typing import ClassVar, Protocol, Self, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coopforma.accounts.roles import Role
from coopforma.core.dates import add_months
from coopforma.core.identifiers import validate_bic, validate_iban, validate_naf, validate_nda, validate_siret
from coopforma.core.models import TimeStampedModel

_SESSION_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in; one person may belong to several organisations."""

    email = models.EmailField(_("e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    preferred_language = models.CharField(_("langue"), max_length=8, default="fr")
    # Raised to end every web session of the person at once (`accounts.services.user_sessions_end`): Django checks
    # the session's hash against `get_session_auth_hash()` on every request and logs out on a mismatch.
    session_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("utilisateur·rice")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def _session_hash(self, secret: str | bytes | None = None) -> str:
        # Version 0 keeps Django's own hash, so sessions opened before this field existed stay valid.
        value = self.password if not self.session_version else f"{self.password}:{self.session_version}"
        return salted_hmac(_SESSION_HASH_SALT, value, secret=secret, algorithm="sha256").hexdigest()

    def get_session_auth_hash(self) -> str:
        return self._session_hash()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)


class VatRegime(models.TextChoices):
    EXEMPT = "exempt", _("Exonéré (formation professionnelle, art. 261-4-4° a du CGI)")
    SUBJECT = "subject", _("Assujetti à la TVA")


ACCOUNT_NUMBER = RegexValidator(
    r"^[1-8][0-9A-Z]{2,19}$",
    _("Un numéro de compte du plan comptable général commence par sa classe (1 à 8), puis chiffres ou lettres."),
)
JOURNAL_CODE = RegexValidator(r"^[A-Z0-9]{1,6}$", _("Un code journal compte 1 à 6 lettres majuscules ou chiffres."))


class TradeRegistry(models.TextChoices):
    """Where a company is registered (Code de commerce R123-237: printed on invoices with the city)."""

    RCS = "rcs", _("Registre du commerce et des sociétés (RCS)")
    RM = "rm", _("Répertoire des métiers (RM)")


class QualiopiCategory(models.TextChoices):
    TRAINING = "training", _("Actions de formation")
    SKILLS_ASSESSMENT = "skills_assessment", _("Bilans de compétences")
    VAE = "vae", _("Actions de VAE")
    APPRENTICESHIP = "apprenticeship", _("Actions de formation par apprentissage")


class SignatoryChoice(models.TextChoices):
    HEAD = "head", _("Le ou la représentant·e légal·e")
    DELEGATE = "delegate", _("Un·e délégataire (délégation de signature)")


class Organisation(TimeStampedModel):
    """The organisme de formation (OF): one NDA, one Qualiopi certificate, one BPF. The tenant root."""

    name = models.CharField(_("dénomination"), max_length=200)
    slug = models.SlugField(_("identifiant court"), max_length=60, unique=True)
    legal_form = models.CharField(
        _("forme juridique"),
        max_length=100,
        blank=True,
        help_text=_("Ex. : SCOP SARL, SCIC SAS, association loi 1901"),
    )
    siret = models.CharField(_("SIRET"), max_length=20, blank=True, validators=[validate_siret])
    naf_code = models.CharField(_("code NAF"), max_length=6, blank=True, validators=[validate_naf])
    nda = models.CharField(
        _("numéro de déclaration d'activité (NDA)"),
        max_length=14,
        blank=True,
        validators=[validate_nda],
        help_text=_("11 chiffres, attribué par la DREETS."),
    )
    nda_region = models.CharField(_("région du NDA"), max_length=100, blank=True)
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    head_name = models.CharField(_("dirigeant·e (nom et prénom)"), max_length=200, blank=True)
    head_title = models.CharField(_("qualité du ou de la dirigeant·e"), max_length=100, blank=True)
    head_email = models.EmailField(
        _("e-mail du ou de la représentant·e légal·e"),
        blank=True,
        help_text=_("Où envoyer les documents à signer électroniquement pour l'organisme."),
    )
    # Who signs the OF's documents (conventions, contracts, certificates, attestations): the legal representative
    # or a person holding a written delegation of signature, whose date the documents print.
    signatory = models.CharField(
        _("signataire des documents de l'organisme"),
        max_length=10,
        choices=SignatoryChoice.choices,
        default=SignatoryChoice.HEAD,
    )
    delegate_name = models.CharField(_("délégataire (nom et prénom)"), max_length=200, blank=True)
    delegate_title = models.CharField(_("fonction du ou de la délégataire"), max_length=100, blank=True)
    delegate_email = models.EmailField(_("e-mail du ou de la délégataire"), blank=True)
    delegation_date = models.DateField(_("date de la délégation de signature"), null=True, blank=True)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("mois de début de l'exercice comptable"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    vat_regime = models.CharField(
        _("régime de TVA"), max_length=10, choices=VatRegime.choices, default=VatRegime.EXEMPT
    )
    vat_number = models.CharField(_("n° de TVA intracommunautaire"), max_length=20, blank=True)
    # Invoice identity (Code de commerce R123-237, CGI annexe II art. 242 nonies A): bank details for transfers,
    # registry and city, share capital; the logo is a re-encoded PNG kept in the database (no public file).
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    trade_registry = models.CharField(
        _("registre d'immatriculation"), max_length=3, choices=TradeRegistry.choices, blank=True
    )
    trade_registry_city = models.CharField(
        _("ville du greffe ou de la chambre des métiers"), max_length=100, blank=True
    )
    share_capital_cents = models.BigIntegerField(
        _("capital social (centimes)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    variable_capital = models.BooleanField(_("société à capital variable"), default=False)
    logo = models.BinaryField(_("logo (PNG)"), blank=True, default=b"", editable=False)
    # The main colour of the documents' letterhead and of the public pages (documents/branding.py).
    brand_color = models.CharField(
        _("couleur principale"),
        max_length=7,
        default="#1d4e4a",
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Donnez une couleur au format #RRVVBB, par exemple #1d4e4a."))
        ],
        help_text=_("Titres et filets des documents PDF, en-tête des pages publiques."),
    )
    # Accounting export (FEC, journal CSV): the plan comptable général accounts and journal codes used.
    account_customers = models.CharField(
        _("compte clients"), max_length=20, default="411000", validators=[ACCOUNT_NUMBER]
    )
    account_sales = models.CharField(
        _("compte de produits (prestations de formation)"), max_length=20, default="706000", validators=[ACCOUNT_NUMBER]
    )
    account_vat = models.CharField(
        _("compte de TVA collectée"), max_length=20, default="445710", validators=[ACCOUNT_NUMBER]
    )
    account_bank = models.CharField(_("compte de banque"), max_length=20, default="512000", validators=[ACCOUNT_NUMBER])
    journal_sales = models.CharField(
        _("code du journal des ventes"), max_length=6, default="VE", validators=[JOURNAL_CODE]
    )
    journal_bank = models.CharField(
        _("code du journal de banque"), max_length=6, default="BQ", validators=[JOURNAL_CODE]
    )
    qualiopi_categories = models.JSONField(_("catégories certifiées Qualiopi"), default=list, blank=True)
    qualiopi_certifier = models.CharField(_("organisme certificateur"), max_length=200, blank=True)
    qualiopi_certificate_number = models.CharField(_("n° de certificat Qualiopi"), max_length=100, blank=True)
    qualiopi_valid_from = models.DateField(_("certificat valide du"), null=True, blank=True)
    qualiopi_valid_until = models.DateField(_("certificat valide jusqu'au"), null=True, blank=True)
    disability_referent_name = models.CharField(_("référent·e handicap"), max_length=200, blank=True)
    disability_referent_email = models.EmailField(_("e-mail du ou de la référent·e handicap"), blank=True)
    disability_referent_phone = models.CharField(
        _("téléphone du ou de la référent·e handicap"), max_length=30, blank=True
    )
    # Code de la consommation L612-1 and L616-1: a professional selling to consumers names the consumer
    # mediator it belongs to (printed on the contracts with individuals).
    consumer_mediator_name = models.CharField(
        _("médiateur de la consommation"),
        max_length=200,
        blank=True,
        help_text=_("Nom et adresse du médiateur auquel l'organisme adhère (art. L612-1 du Code de la consommation)."),
    )
    consumer_mediator_website = models.URLField(_("site du médiateur de la consommation"), blank=True)

    class Meta:
        verbose_name = _("organisme de formation")
        verbose_name_plural = _("organismes de formation")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(qualiopi_valid_until__isnull=True)
                | models.Q(qualiopi_valid_from__isnull=True)
                | models.Q(qualiopi_valid_until__gt=models.F("qualiopi_valid_from")),
                name="org_qualiopi_dates_ordered",
                violation_error_message=_(
                    "La fin de validité du certificat Qualiopi doit être postérieure à son début."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A delegate signs only with a name and the date of the written delegation (printed on the documents); a
        trade registry comes with its city."""
        super().clean()
        errors = {}
        if self.signatory == SignatoryChoice.DELEGATE or self.delegate_name:
            if not self.delegate_name:
                errors["delegate_name"] = _("Indiquez le nom du ou de la délégataire qui signe pour l'organisme.")
            if not self.delegation_date:
                errors["delegation_date"] = _(
                    "Indiquez la date de la délégation de signature : elle est imprimée sur les documents signés "
                    "par délégation."
                )
        if self.trade_registry and not self.trade_registry_city.strip():
            errors["trade_registry_city"] = _(
                "Indiquez la ville du greffe (RCS) ou de la chambre des métiers (RM) : elle figure avec le "
                "numéro d'immatriculation sur les factures (art. R123-237 du Code de commerce)."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def registry_mention(self) -> str:
        """« RCS Rennes 732 829 320 » (Code de commerce R123-237): registry, its city, the SIREN."""
        if not self.trade_registry or not self.siret:
            return ""
        siren = self.siret[:9]
        return f"{self.trade_registry.upper()} {self.trade_registry_city} {siren[:3]} {siren[3:6]} {siren[6:]}"

    @property
    def capital_mention(self) -> str:
        """« SCOP SARL à capital variable » / « au capital de 15 000,00 € » (Code de commerce R123-238)."""
        from coopforma.core.money import format_cents

        parts = []
        if self.variable_capital:
            parts.append("à capital variable")
        if self.share_capital_cents is not None:
            parts.append(f"au capital de {format_cents(self.share_capital_cents)}")
        return " ".join(parts)

    @property
    def address(self) -> str:
        return ", ".join(p for p in [self.street, f"{self.postal_code} {self.city}".strip()] if p)

    def qualiopi_valid_on(self, day: dt.date) -> bool:
        """Whether the Qualiopi certificate is in force on `day`: a number and an end date not passed (and a start
        date reached when known). The mark may be shown only while the certificate is valid (L6316-1; the
        certifier withdraws the right to use it when the certificate lapses)."""
        until = self.qualiopi_valid_until_or_deduced
        if not self.qualiopi_certificate_number or until is None:
            return False
        if self.qualiopi_valid_from is not None and day < self.qualiopi_valid_from:
            return False
        return day <= until

    @property
    def qualiopi_valid_until_or_deduced(self) -> dt.date | None:
        """The certificate's end: as entered, else three years after its start (arrêté du 6 juin 2019)."""
        if self.qualiopi_valid_until is not None:
            return self.qualiopi_valid_until
        if self.qualiopi_valid_from is not None:
            return add_months(self.qualiopi_valid_from, 36) - dt.timedelta(days=1)
        return None

    def qualiopi_mark(self, category: str | None, day: dt.date) -> str:
        """The sentence printed with the Qualiopi mark, empty when it may not be printed: the certificate is not
        valid on `day`, or does not cover `category` (None: a page about the whole organisation). The wording
        follows the mark's charter: the categories of actions the certificate was granted for."""
        if not (self.qualiopi_valid_on(day) if category is None else self.qualiopi_covers(category, day)):
            return ""
        labels = [str(c.label).lower() for c in QualiopiCategory if c.value in (self.qualiopi_categories or [])]
        return str(
            _(
                "Certifié Qualiopi (certificat n° %(number)s, valable jusqu'au %(until)s). La certification qualité "
                "a été délivrée au titre de la ou des catégories d'actions suivantes : %(categories)s."
            )
            % {
                "number": self.qualiopi_certificate_number,
                "until": self.qualiopi_valid_until_or_deduced.strftime("%d/%m/%Y"),  # type: ignore[union-attr]
                "categories": ", ".join(labels),
            }
        )

    def qualiopi_covers(self, category: str, day: dt.date) -> bool:
        """Whether an action of `category` (L6313-1) is covered by a certificate valid on `day`: certification is
        granted per category (R6316-1), so the mark is printed only for the certified ones."""
        return self.qualiopi_valid_on(day) and category in (self.qualiopi_categories or [])

    @property
    def vat_rate_bp(self) -> int:
        """The VAT rate of what it sells, in basis points: 0 under the training exemption (CGI art. 261-4-4° a)."""
        from coopforma.core.money import VAT_RATE_BP

        return 0 if self.vat_regime == VatRegime.EXEMPT else VAT_RATE_BP

    def fiscal_year_bounds(self, year: int) -> tuple[dt.date, dt.date]:
        """The fiscal year named by the calendar year in which it ends (BPF cadre B)."""
        from datetime import date

        m = self.fiscal_year_start_month
        start = date(year if m == 1 else year - 1, m, 1)
        end = date(year + (1 if m == 1 else 0), m, 1)
        return start, end


class HasOrganisation(Protocol):  # the Actor (accounts.actor imports this module)
    @property
    def organisation_id(self) -> int: ...


_M = TypeVar("_M", bound=models.Model)


class TenantQuerySet(models.QuerySet[_M]):
    def for_actor(self, actor: HasOrganisation) -> Self:
        """The rows of the actor's organisation: the first step of a selector (who sees what inside the
        organisation is the selector's own business)."""
        return self.filter(organisation_id=actor.organisation_id)


class TenantModel(TimeStampedModel):
    """Every tenant-owned record reaches its Organisation in one hop."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class MembershipState(models.TextChoices):
    INVITED = "invited", _("Invitation envoyée")
    ACTIVE = "active", _("Actif·ve")
    DECLINED = "declined", _("Invitation refusée")
    SUSPENDED = "suspended", _("Suspendu·e (parcours formateur)")
    REMOVED = "removed", _("Retiré·e")


class Membership(TimeStampedModel):
    """A person's role in one organisation. Only an `active` membership gives access (then `is_active` is true).

    An admin's invitation creates it `invited`, with a one-time token e-mailed to the person (only its SHA-256 is
    kept here); the person accepts (→ active) or declines (→ declined). See accounts/invitations.py.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    state = models.CharField(_("état"), max_length=10, choices=MembershipState.choices, default=MembershipState.ACTIVE)
    # Derived from `state` (a constraint keeps them together): the one field every access check reads.
    is_active = models.BooleanField(_("actif"), default=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    invited_at = models.DateTimeField(_("invitation envoyée le"), null=True, blank=True)
    invitation_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    invitation_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    responded_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    removed_at = models.DateTimeField(_("retiré·e le"), null=True, blank=True)

    class Meta:
        verbose_name = _("appartenance")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(is_active=True, state="active")
                | (models.Q(is_active=False) & ~models.Q(state="active")),
                name="membership_active_iff_state_active",
                violation_error_message=_("Un accès est actif si et seulement si son état est « actif »."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    @property
    def shows_name(self) -> bool:
        """The organisation sees the person's name only once they have joined (see membership_list)."""
        return self.state in {MembershipState.ACTIVE, MembershipState.SUSPENDED}


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(TimeStampedModel):
    """A personal API token, bound to one user in one organisation. Only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def new_key(cls) -> str:
        return "cf_" + secrets.token_urlsafe(32)

    @staticmethod
    def hash_key(key: str) -> str:
        return _hash_key(key)


class MagicLink(TimeStampedModel):
    """A password-less link to the client/trainee portal, sent by e-mail. Only its SHA-256 is stored.

    The link may be opened again until it expires (a portal session is tied to it, not a password).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("e-mail"))
    purpose = models.CharField(max_length=20, default="portal")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("connexion au compte", "lien de connexion")
        indexes = [models.Index(fields=["email", "organisation"])]

    def __str__(self) -> str:
        return f"{self.email} ({self.purpose})"
