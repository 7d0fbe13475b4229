"""Notification forms: the e-mail preferences, one checkbox per declared kind."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField

from decide.notifications.texts import notification_kinds


class NotificationPreferencesForm(FlaskForm):
    """A ticked box means "e-mail me"; the unticked kinds are saved as opt-outs.

    Build it with `preferences_form()`: its fields are the kinds the modules declare."""

    kind_names: list[str] = []

    def email_fields(self) -> list[Any]:
        return [self[kind] for kind in self.kind_names]

    def fill(self, opt_outs: list[str]) -> None:
        for kind in self.kind_names:
            self[kind].data = kind not in opt_outs

    def opt_outs(self) -> list[str]:
        return [kind for kind in self.kind_names if not self[kind].data]


def preferences_form() -> NotificationPreferencesForm:
    """The preferences form with one box per kind declared in the module registry."""
    kinds = notification_kinds()
    fields: dict[str, Any] = {name: BooleanField(kind.label) for name, kind in kinds.items()}
    fields["kind_names"] = list(kinds)
    form_class = type("NotificationPreferencesForm", (NotificationPreferencesForm,), fields)
    return form_class()


class ButtonForm(FlaskForm):
    """Only the CSRF token, for buttons that post (mark all read, e-mail me again)."""
