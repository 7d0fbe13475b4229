"""The vocabulary of global challenges an alliance can work on, with translated labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

THEMES = {
    "climate": _l("Climate action"),
    "migration": _l("Migration and refuge"),
    "housing": _l("Adequate housing"),
    "food": _l("Sustainable food"),
    "social_cohesion": _l("Social cohesion"),
    "lgbti_rights": _l("LGBTI rights"),
    "global_governance": _l("A voice in global governance"),
    "human_rights": _l("Human rights"),
    "innovation": _l("Public innovation"),
    "participation": _l("Citizen participation"),
    "security": _l("Safe cities"),
    "culture": _l("Culture"),
}

ALLIANCE_KINDS = {
    "political": _l("Political alliance"),
    "operative": _l("Operative alliance"),
    "network": _l("Network of cities"),
}

MEMBER_ROLES = {
    "leader": _l("Leader"),
    "promoter": _l("Promoter"),
    "member": _l("Member"),
    "signatory": _l("Signatory"),
    "observer": _l("Observer"),
}

# Short names of the 17 Sustainable Development Goals (Agenda 2030).
SDG_NAMES = {
    1: _l("No poverty"),
    2: _l("Zero hunger"),
    3: _l("Good health and well-being"),
    4: _l("Quality education"),
    5: _l("Gender equality"),
    6: _l("Clean water and sanitation"),
    7: _l("Affordable and clean energy"),
    8: _l("Decent work and economic growth"),
    9: _l("Industry, innovation and infrastructure"),
    10: _l("Reduced inequalities"),
    11: _l("Sustainable cities and communities"),
    12: _l("Responsible consumption and production"),
    13: _l("Climate action"),
    14: _l("Life below water"),
    15: _l("Life on land"),
    16: _l("Peace, justice and strong institutions"),
    17: _l("Partnerships for the goals"),
}
