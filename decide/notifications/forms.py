"""Notification forms: the e-mail preferences, one checkbox per kind."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField

from decide.notifications.models import NOTIFICATION_KINDS
from decide.notifications.texts import KIND_LABELS


class NotificationPreferencesForm(FlaskForm):
    """A ticked box means "e-mail me"; the unticked kinds are saved as opt-outs."""

    def email_fields(self) -> list[Any]:
        return [self[kind] for kind in NOTIFICATION_KINDS]

    def fill(self, opt_outs: list[str]) -> None:
        for kind in NOTIFICATION_KINDS:
            self[kind].data = kind not in opt_outs

    def opt_outs(self) -> list[str]:
        return [kind for kind in NOTIFICATION_KINDS if not self[kind].data]


for _kind in NOTIFICATION_KINDS:
    setattr(NotificationPreferencesForm, _kind, BooleanField(KIND_LABELS[_kind]))


class ButtonForm(FlaskForm):
    """Only the CSRF token, for buttons that post (mark all read, e-mail me again)."""
