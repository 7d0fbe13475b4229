"""Residence verification, declared once: a city's census and the /verify page."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from decide.core.modules import AdminEntry, Module
from decide.core.settings import SettingSpec
from decide.verification import views
from decide.verification.models import (
    CensusClaim,
    CensusEntry,
    CensusImport,
    VerificationFailure,
)


def init_app(app: Flask) -> None:
    from decide.verification.cli import census_group

    app.cli.add_command(census_group)


module = Module(
    name="verification",
    blueprint=views.bp,
    models=(CensusEntry, CensusImport, CensusClaim, VerificationFailure),
    settings=(
        SettingSpec("verification_min_age", int, 16, minimum=0, maximum=120,
                    description=_l("Minimum age, in years, to verify residence against the "
                                   "census.")),
    ),
    admin_menu=(AdminEntry(_l("Census"), "verification.census", "space.admin", kind="city"),),
    init_app=init_app,
)
