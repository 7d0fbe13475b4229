"""The audit module, declared once: the trail of changes every module records, and its
read-only pages (per space for its administrators, all spaces for the deployment's)."""

from __future__ import annotations

import dataclasses

from flask_babel import lazy_gettext as _l

from decide.audit import views
from decide.audit.models import AuditEvent
from decide.core.modules import AdminEntry, Module

# `AdminEntry.description` (the card's short text) is newer than some cores: only when known.
_DESCRIBED = "description" in {f.name for f in dataclasses.fields(AdminEntry)}
_ENTRY_EXTRA = {"description": _l("Who changed what, and when: filter and export as CSV.")} \
    if _DESCRIBED else {}

module = Module(
    name="audit",
    models=(AuditEvent,),
    blueprint=views.bp,
    admin_menu=(AdminEntry(_l("Audit trail"), "audit.space_trail", "space.admin",
                           **_ENTRY_EXTRA),),
    init_app=views.init_app,
)
