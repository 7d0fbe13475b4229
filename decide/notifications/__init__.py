"""In-app and e-mail notifications for any module, folded per item, delivered as jobs.

Modules declare their kinds (`Module.notification_kinds`) and raise events through
`decide.notifications.services.notify`; this package imports no module that raises them.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_request_context


def unread_notifications() -> int:
    """Unread notifications of the signed-in person: one COUNT, at most once per request."""
    from flask_login import current_user

    from decide.notifications.queries import unread_count

    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return 0
    if "_unread_notifications" not in g:
        g._unread_notifications = unread_count(current_user.id)
    return int(g._unread_notifications)


def _template_helpers() -> dict[str, Any]:
    # A function, so that pages that do not show the header (and e-mails) run no query.
    return {"unread_notifications": unread_notifications}


def init_app(app: Flask) -> None:
    """Give templates the unread count for the header."""
    app.context_processor(_template_helpers)
