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


# (space kind, slug, author, locale, title, description, tags, comments)
# comments: (author, text, replies) where replies is a list of the same shape.
DemoComment = tuple[str, str, list]

DEMO_DEBATES: tuple[tuple[str, str, str, str, str, str, str, list[DemoComment]], ...] = (
    ("city", "madrid", "lucia", "es",
     "¿Cómo hacemos más sombra en las plazas de cada distrito?",
     "En verano muchas plazas son **inhabitables** a mediodía. Propongo debatir qué funciona "
     "mejor: árboles de crecimiento rápido, toldos estacionales o pérgolas con plantas.\n\n"
     "- ¿Qué plazas necesitan sombra primero?\n- ¿Quién debe mantenerla?",
     "clima, espacio público",
     [("concejala", "Gracias por abrir el debate. El área de Medio Ambiente está midiendo la "
       "temperatura de 40 plazas este verano; compartiremos los datos aquí.",
       [("lucia", "¡Genial! ¿Se podrán consultar por distrito?", [
           ("concejala", "Sí, publicaremos una tabla por distrito en septiembre.", [])])]),
      ("emma", "In Paris the *îlots de fraîcheur* worked well near schools. Maybe start there?",
       [("lucia", "Buena idea: los patios escolares podrían abrirse en verano.", [])]),
      ("moderadora", "Recordad mantener el debate centrado en propuestas concretas.", [])]),
    ("city", "madrid", "ana.madrid", "es",
     "Mercados municipales abiertos por la tarde",
     "Muchas personas trabajan hasta las 19:00. ¿Deberían los mercados municipales abrir al "
     "menos dos tardes por semana?",
     "comercio, alimentación",
     [("lucia", "Sí, sobre todo los jueves y viernes.", [])]),
    ("city", "montevideo", "intendencia", "es",
     "Huertas comunitarias en cada municipio",
     "Montevideo tiene experiencias exitosas de huertas comunitarias. ¿Cómo las extendemos a "
     "los ocho municipios? Se aceptan ideas sobre terrenos, agua y formación.",
     "alimentación, barrios",
     [("moderadora", "¿Qué barrios ya tienen terrenos disponibles?", [])]),
    ("city", "belo-horizonte", "joao", "pt_BR",
     "Como melhorar a segurança nas ciclovias da região Centro-Sul?",
     "As ciclovias cresceram, mas muitos cruzamentos continuam perigosos. Quais pontos "
     "precisam de sinalização ou redutores de velocidade primeiro?",
     "mobilidade, segurança",
     [("emma", "The crossing near Praça da Liberdade felt dangerous when I visited.",
       [("joao", "Concordo, esse cruzamento é o pior de todos.", [])])]),
    ("alliance", "vivienda-adecuada", "secretaria", "en",
     "A shared register of empty homes across member cities",
     "Several member cities count empty homes differently. Should the alliance agree on one "
     "definition and publish a shared, comparable register every year?",
     "housing, open data",
     [("lucia", "Sí: sin datos comparables no podemos presionar juntos a los gobiernos.", [
         ("joao", "Em Belo Horizonte também faltam esses dados.", [])]),
      ("habitat-ong", "Ofrecemos nuestra metodología de conteo usada en Ciudad de México.", [])]),
)


def _post_thread(space: object, debate_id: int, items: list, parent_id: int | None) -> None:
    """Post demo comments and their replies; officials and moderators post with their badge."""
    from decide.comments.permissions import posting_roles
    from decide.comments.services import post_comment

    for who, text, replies in items:
        user = services.find_by_username(who)
        if user is None:
            continue
        roles = posting_roles(user, space)
        comment = post_comment(user, space, "debate", debate_id, text, parent_id=parent_id,
                               as_role=roles[0] if roles else None)
        _post_thread(space, debate_id, replies, comment.id)


def load_demo_debates() -> int:
    """Create the demo debates (with comment threads and votes) that are missing."""
    from decide.debates.models import Debate
    from decide.debates.services import start_debate, vote

    created = 0
    for kind, slug, author_name, locale, title, description, tags, comments in DEMO_DEBATES:
        space = space_by_slug(kind, slug)
        author = services.find_by_username(author_name)
        if space is None or author is None:
            continue
        if db.session.scalar(db.select(Debate.id).where(Debate.space_id == space.id,
                                                        Debate.title == title)):
            continue
        debate = start_debate(author, space, title=title, description=description, tags=tags,
                              locale=locale)
        created += 1

        _post_thread(space, debate.id, comments, None)
        for voter, agree in (("lucia", True), ("joao", True), ("emma", False),
                             ("concejala", True)):
            user = services.find_by_username(voter)
            if user is not None and user.id != author.id:
                vote(user, space, debate.id, agree)
    return created
