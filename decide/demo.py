"""Demo accounts, one per role, so a newcomer can try every part of Decide."""

from __future__ import annotations

from dataclasses import dataclass

from decide.accounts import services
from decide.accounts.models import User
from decide.cities.queries import city_by_slug, space_by_slug
from decide.extensions import db

DEMO_PASSWORD = "decide-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    locale: str
    home_city: str
    description: str
    kind: str = "person"
    organisation_name: str | None = None
    residence: str | None = None
    roles: tuple[tuple[str, str, str, str | None, int | None], ...] = ()
    deployment_admin: bool = False


# roles: (space kind, space slug, role, official position, official level)
DEMO_ACCOUNTS = (
    DemoAccount("admin", "es", "madrid", "deployment administrator", deployment_admin=True),
    DemoAccount("ana.madrid", "es", "madrid", "administrator of Madrid",
                residence="madrid", roles=(("city", "madrid", "administrator", None, None),)),
    DemoAccount("moderadora", "es", "madrid", "moderator in Madrid and Montevideo",
                residence="madrid",
                roles=(("city", "madrid", "moderator", None, None),
                       ("city", "montevideo", "moderator", None, None))),
    DemoAccount("valuador", "es", "madrid", "valuator in Madrid",
                roles=(("city", "madrid", "valuator", None, None),)),
    DemoAccount("concejala", "es", "madrid", "public official in Madrid (level 4)",
                residence="madrid",
                roles=(("city", "madrid", "official", "Concejala de Vivienda", 4),)),
    DemoAccount("intendencia", "es", "montevideo", "public official in Montevideo (level 5)",
                residence="montevideo",
                roles=(("city", "montevideo", "official", "Intendente de Montevideo", 5),)),
    DemoAccount("secretaria", "en", "montevideo",
                "secretariat of Cities for Adequate Housing",
                roles=(("alliance", "vivienda-adecuada", "secretariat", None, None),)),
    DemoAccount("lucia", "es", "madrid", "verified resident of Madrid", residence="madrid"),
    DemoAccount("joao", "pt_BR", "belo-horizonte", "verified resident of Belo Horizonte",
                residence="belo-horizonte"),
    DemoAccount("emma", "en", "paris", "citizen without verified residence"),
    DemoAccount("habitat-ong", "es", "ciudad-de-mexico", "civil-society organisation",
                kind="organisation", organisation_name="Hábitat Colectivo A.C."),
)


def load_demo_accounts() -> list[tuple[DemoAccount, User]]:
    """Create the demo accounts that are missing; existing ones are left as they are."""
    created = []
    for demo in DEMO_ACCOUNTS:
        user = services.find_by_username(demo.username)
        if user is None:
            user = services.register(
                username=demo.username,
                email=f"{demo.username}@decide.example.org",
                password=DEMO_PASSWORD,
                locale=demo.locale,
                home_city=city_by_slug(demo.home_city),
                kind=demo.kind,
                organisation_name=demo.organisation_name,
                confirmed=True,
            )
            if demo.deployment_admin:
                user.is_deployment_admin = True
                db.session.commit()
            residence = city_by_slug(demo.residence)
            if residence is not None:
                services.set_residence(user, residence, method="demo")
            for kind, slug, role, position, level in demo.roles:
                space = space_by_slug(kind, slug)
                if space is not None:
                    services.grant_role(user, space, role, position, level)
        created.append((demo, user))
    return created
