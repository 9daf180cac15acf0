# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of « Textes des e-mails »: every e-mail the application sends, with the organisation's own text if any."""

from dataclasses import dataclass

from django.http import Http404

from coopforma.accounts.actor import Actor
from coopforma.core.mail_texts import (
    ORGANISATION,
    MailText,
    all_mail_texts,
    default_source,
    get_mail_text,
    preview_values,
    render_source,
)
from coopforma.core.models import MailTextOverride


@dataclass
class MailTextRow:
    text: MailText
    override: MailTextOverride | None
    default_subject: str
    default_body: str

    @property
    def subject(self) -> str:
        return self.override.subject if self.override else self.default_subject

    @property
    def body(self) -> str:
        return self.override.body if self.override else self.default_body

    def preview(self) -> tuple[str, str]:
        """The current subject and body with the placeholders' example values (what a recipient would read)."""
        values = preview_values(self.text)
        try:
            return render_source(self.text, self.subject, values), render_source(self.text, self.body, values)
        except ValueError:
            return str(self.text.subject) % values, str(self.text.body) % values


def _row(text: MailText, override: MailTextOverride | None) -> MailTextRow:
    subject, body = default_source(text)
    return MailTextRow(text=text, override=override, default_subject=subject, default_body=body)


def mail_text_list(*, actor: Actor) -> list[MailTextRow]:
    actor.require("mails.texts")
    overrides = {o.code: o for o in MailTextOverride.objects.filter(organisation_id=actor.organisation_id)}
    return [_row(text, overrides.get(text.code)) for text in all_mail_texts(scope=ORGANISATION)]


def mail_text_get(*, actor: Actor, code: str) -> MailTextRow:
    """One e-mail of the list; 404 for a code the application does not send."""
    actor.require("mails.texts")
    text = get_mail_text(code, scope=ORGANISATION)
    if text is None:
        raise Http404
    override = MailTextOverride.objects.filter(organisation_id=actor.organisation_id, code=code).first()
    return _row(text, override)
