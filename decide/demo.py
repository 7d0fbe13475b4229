"""Demo accounts, one per role, so a newcomer can try every part of Decide."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from decide.accounts import services
from decide.accounts.models import User
from decide.cities.queries import city_by_slug, space_by_slug
from decide.extensions import db

if TYPE_CHECKING:
    from decide.cities.models import Space
    from decide.proposals.models import Proposal

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
    # Created only when this space exists: the people of the proposals demo live in cities a
    # test configuration does not have.
    needs_space: tuple[str, str] | None = None


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
    # Residents and authorities of AL-LAs member cities, for proposals and joint actions.
    DemoAccount("martina", "es", "montevideo", "verified resident of Montevideo",
                residence="montevideo", needs_space=("city", "montevideo")),
    DemoAccount("diego", "es", "montevideo", "verified resident of Montevideo",
                residence="montevideo", needs_space=("city", "montevideo")),
    DemoAccount("sofia", "es", "montevideo", "verified resident of Montevideo",
                residence="montevideo", needs_space=("city", "montevideo")),
    DemoAccount("camila", "es", "quito", "verified resident of Quito",
                residence="quito", needs_space=("city", "quito")),
    DemoAccount("andres", "es", "quito", "verified resident of Quito",
                residence="quito", needs_space=("city", "quito")),
    DemoAccount("alcaldia.quito", "es", "quito", "administrator of Quito",
                residence="quito", needs_space=("city", "quito"),
                roles=(("city", "quito", "administrator", None, None),)),
    DemoAccount("mariana", "pt_BR", "belo-horizonte", "verified resident of Belo Horizonte",
                residence="belo-horizonte", needs_space=("city", "belo-horizonte")),
    DemoAccount("prefeitura.bh", "pt_BR", "belo-horizonte",
                "administrator of Belo Horizonte", residence="belo-horizonte",
                needs_space=("city", "belo-horizonte"),
                roles=(("city", "belo-horizonte", "administrator", None, None),)),
    DemoAccount("pablo", "es", "madrid", "verified resident of Madrid",
                residence="madrid", needs_space=("city", "madrid")),
    DemoAccount("sec.allas", "es", "montevideo", "secretariat of AL-LAs",
                needs_space=("alliance", "al-las"),
                roles=(("alliance", "al-las", "secretariat", None, None),)),
)


def load_demo_accounts() -> list[tuple[DemoAccount, User]]:
    """Create the demo accounts that are missing; existing ones are left as they are."""
    created = []
    for demo in DEMO_ACCOUNTS:
        if demo.needs_space is not None and space_by_slug(*demo.needs_space) is None:
            continue
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


# --- proposals and joint actions ------------------------------------------------------------

# Demo-only settings, applied after every configuration load so that a handful of demo
# supports can reach success: Montevideo asks 3 supports (10,500 in its file) and AL-LAs asks
# 6 supports in total for a joint action (its file sets no success rule).
DEMO_SETTINGS: dict[tuple[str, str], dict[str, int]] = {
    ("city", "montevideo"): {"support_threshold": 3},
    ("alliance", "al-las"): {"joint_action_total_threshold": 6},
}

# Archived proposals were published this long ago (more than the 12 months of every city).
ARCHIVED_AGE_DAYS = 400


@dataclass(frozen=True)
class DemoTranslation:
    translator: str  # the author publishes their own at once; anyone else's is accepted
    locale: str
    title: str
    summary: str
    description: str


@dataclass(frozen=True)
class DemoProposal:
    space: tuple[str, str]
    author: str
    locale: str
    title: str
    summary: str
    description: str
    tags: str = ""
    geozone: str | None = None
    publish: bool = True
    supporters: tuple[str, ...] = ()
    archived: bool = False
    retire: tuple[str, str] | None = None  # (reason, explanation)
    endorsements: tuple[tuple[str, str, str], ...] = ()  # (official, statement, locale)
    translations: tuple[DemoTranslation, ...] = ()
    update: tuple[str, str] | None = None  # (title, body) sent to the followers


MADRID, MONTEVIDEO, QUITO, BELO_HORIZONTE = (
    ("city", "madrid"), ("city", "montevideo"), ("city", "quito"), ("city", "belo-horizonte"))
AL_LAS = ("alliance", "al-las")

# The joint action that succeeds, is endorsed, translated and adopted into the action plan.
FLAGSHIP_TITLE = "Red de presupuestos participativos entre ciudades de AL-LAs"

DEMO_PROPOSALS: tuple[DemoProposal, ...] = (
    # Madrid: open (with a district), draft, archived and retired.
    DemoProposal(
        MADRID, "lucia", "es", "Fuentes de agua potable en todos los parques",
        "Instalar al menos una fuente de agua potable accesible en cada parque municipal.",
        "Muchos parques no tienen **ninguna fuente** que funcione en verano.\n\n"
        "- Una fuente accesible por parque\n- Mantenimiento semanal de junio a septiembre\n"
        "- Mapa abierto con su estado",
        tags="agua, parques, clima", geozone="arganzuela",
        supporters=("ana.madrid", "concejala", "moderadora", "pablo")),
    DemoProposal(
        MADRID, "lucia", "es", "Bibliotecas abiertas hasta medianoche en exámenes",
        "Ampliar el horario de las bibliotecas municipales durante las épocas de exámenes.",
        "Borrador: falta concretar qué bibliotecas y con qué personal.",
        tags="educación, bibliotecas", publish=False),
    DemoProposal(
        MADRID, "pablo", "es", "Un carril bici continuo en la calle de Alcalá",
        "Unir los tramos de carril bici de la calle de Alcalá en un recorrido continuo.",
        "Hoy el carril se interrumpe en varios cruces. Un recorrido continuo y protegido "
        "haría la calle segura para ir en bici al trabajo.",
        tags="movilidad, bicicleta", supporters=("lucia",), archived=True),
    DemoProposal(
        MADRID, "lucia", "es", "Toldos en las calles comerciales del centro",
        "Colocar toldos estacionales en las calles comerciales más transitadas del centro.",
        "En verano las calles del centro acumulan mucho calor. Proponemos toldos "
        "estacionales como los de otras ciudades del sur.",
        tags="clima, espacio público", supporters=("pablo", "ana.madrid"),
        retire=("started", "El Ayuntamiento ya ha licitado toldos para 12 calles: seguiremos "
                           "el proyecto en el debate sobre sombra en las plazas.")),
    # Montevideo: successful (with an update to its followers), open and retired.
    DemoProposal(
        MONTEVIDEO, "diego", "es", "Bicicletas públicas en la Rambla",
        "Un sistema de bicicletas públicas con estaciones a lo largo de toda la Rambla.",
        "La Rambla es el gran espacio público de Montevideo. Proponemos **30 estaciones** "
        "de bicicletas públicas, con tarifa social para estudiantes y jubilados.",
        tags="movilidad, bicicleta", supporters=("martina", "intendencia", "sofia"),
        update=("¡Lo logramos!", "La propuesta alcanzó los apoyos necesarios. La Intendencia "
                                 "estudiará el trazado de las estaciones con los municipios.")),
    DemoProposal(
        MONTEVIDEO, "martina", "es", "Huertas en los patios de las escuelas",
        "Que cada escuela pública tenga una huerta cuidada por el alumnado y el barrio.",
        "Las huertas escolares enseñan alimentación saludable y unen al barrio con la "
        "escuela. Pedimos semillas, herramientas y una persona de apoyo por municipio.",
        tags="alimentación, educación", supporters=("sofia",)),
    DemoProposal(
        MONTEVIDEO, "sofia", "es", "Más frecuencias de ómnibus los domingos",
        "Aumentar la frecuencia de las líneas de ómnibus los domingos por la tarde.",
        "Los domingos las esperas superan los 40 minutos en muchas líneas.",
        tags="transporte", supporters=("diego",),
        retire=("duplicated", "Ya existe una propuesta igual con más apoyos; sumemos allí.")),
    # Quito: open and archived.
    DemoProposal(
        QUITO, "camila", "es", "Senderos seguros en el Parque Metropolitano",
        "Iluminar y señalizar los senderos principales del Parque Metropolitano Guangüiltagua.",
        "Muchas personas dejan de ir al parque al atardecer. Proponemos iluminación solar y "
        "señalización en los cinco senderos más usados.",
        tags="parques, seguridad", supporters=("andres", "alcaldia.quito")),
    DemoProposal(
        QUITO, "andres", "es", "Mercados de productores en cada administración zonal",
        "Un mercado semanal de productores locales en cada administración zonal.",
        "Acercar a productores de la zona rural de Quito a los barrios, sin intermediarios.",
        tags="alimentación, comercio", supporters=("camila",), archived=True),
    # Belo Horizonte, in Portuguese: open and retired.
    DemoProposal(
        BELO_HORIZONTE, "joao", "pt_BR", "Faixas exclusivas de ônibus na Avenida Amazonas",
        "Criar faixas exclusivas de ônibus em toda a extensão da Avenida Amazonas.",
        "Os ônibus perdem muito tempo no trânsito da Amazonas. Faixas exclusivas "
        "**reduziriam as viagens** de milhares de pessoas todos os dias.",
        tags="mobilidade, transporte", supporters=("mariana", "prefeitura.bh")),
    DemoProposal(
        BELO_HORIZONTE, "mariana", "pt_BR", "Feira de trocas mensal na Praça da Liberdade",
        "Uma feira mensal de trocas de livros, roupas e objetos na Praça da Liberdade.",
        "Trocar em vez de comprar: uma feira mensal, aberta e gratuita.",
        tags="cultura, consumo", supporters=("joao",),
        retire=("other", "A associação de moradores já organiza uma feira parecida; vamos "
                         "apoiar a deles.")),
    # AL-LAs: a successful joint action with supports from four cities, endorsed by three and
    # read in Portuguese and English; an open one with supports from three cities; a draft.
    DemoProposal(
        AL_LAS, "martina", "es", FLAGSHIP_TITLE,
        "Compartir métodos, datos y resultados de los presupuestos participativos de las "
        "ciudades miembro, con un informe conjunto cada año.",
        "Varias ciudades de AL-LAs hacen presupuestos participativos, pero cada una aprende "
        "sola. Proponemos:\n\n1. Una **metodología común** para medir la participación.\n"
        "2. Datos abiertos comparables.\n3. Un informe conjunto anual presentado en la "
        "cumbre de la alianza.",
        tags="participación, datos abiertos",
        supporters=("diego", "joao", "mariana", "lucia", "camila", "andres"),
        endorsements=(
            ("intendencia", "Montevideo coordina AL-LAs y pondrá a disposición su experiencia "
                            "de 30 años de presupuesto participativo.", "es"),
            ("concejala", "Madrid compartirá los datos de Decide Madrid y su metodología.",
             "es"),
            ("prefeitura.bh", "Belo Horizonte, pioneira do orçamento participativo desde "
                              "1993, apoia esta ação conjunta.", "pt_BR"),
        ),
        translations=(
            DemoTranslation(
                "martina", "en", "A participatory budgeting network across AL-LAs cities",
                "Share the methods, data and results of member cities' participatory "
                "budgets, with a joint report every year.",
                "Several AL-LAs cities run participatory budgets, but each learns alone. We "
                "propose:\n\n1. A **common method** to measure participation.\n2. Comparable "
                "open data.\n3. A yearly joint report presented at the alliance's summit."),
            DemoTranslation(
                "joao", "pt_BR", "Rede de orçamentos participativos entre cidades da AL-LAs",
                "Compartilhar métodos, dados e resultados dos orçamentos participativos das "
                "cidades membros, com um relatório conjunto a cada ano.",
                "Várias cidades da AL-LAs fazem orçamento participativo, mas cada uma aprende "
                "sozinha. Propomos:\n\n1. Uma **metodologia comum** para medir a "
                "participação.\n2. Dados abertos comparáveis.\n3. Um relatório conjunto "
                "anual apresentado na cúpula da aliança."),
        )),
    DemoProposal(
        AL_LAS, "lucia", "es", "Tarjeta de transporte común para visitantes de la alianza",
        "Estudiar una tarjeta de transporte que funcione en todas las ciudades de AL-LAs.",
        "Quien viaja entre ciudades de la alianza necesita una tarjeta distinta en cada una. "
        "Pedimos un estudio de viabilidad con los operadores de transporte.",
        tags="movilidad, turismo", supporters=("pablo", "martina", "joao"),
        endorsements=(("ana.madrid", "Madrid participará en el estudio de viabilidad.", "es"),)),
    DemoProposal(
        AL_LAS, "camila", "es", "Intercambio de técnicos municipales de gestión de riesgos",
        "Estancias cortas de personal técnico entre ciudades para aprender gestión de riesgos.",
        "Borrador: falta decidir la duración de las estancias.",
        tags="riesgos, aprendizaje", publish=False),
)


def _apply_demo_settings() -> None:
    """Re-applied after every configuration load, which resets settings to the files."""
    for (kind, slug), values in DEMO_SETTINGS.items():
        space = space_by_slug(kind, slug)
        if space is not None and any(space.settings.get(k) != v for k, v in values.items()):
            space.settings = {**space.settings, **values}
    db.session.commit()


def _backdate(proposal: Proposal, days: int) -> None:
    """Make a published proposal look published `days` ago (its code and search entry too),
    so that it shows as archived."""
    from datetime import timedelta

    from decide.core.db import utcnow
    from decide.proposals import services as proposal_services

    when = utcnow() - timedelta(days=days)
    proposal.created_at = proposal.published_at = proposal.last_activity_at = when
    proposal.code = proposal_services._code(proposal)
    proposal_services.rescore(proposal)
    proposal_services._index(proposal)
    db.session.commit()


def _add_translations(space: Space, proposal: Proposal, demo: DemoProposal) -> None:
    from decide.translations import services as translation_services

    for t in demo.translations:
        translator = services.find_by_username(t.translator)
        if translator is None:
            continue
        texts = {"title": t.title, "summary": t.summary, "description": t.description}
        translation = translation_services.suggest(translator, space, "proposal", proposal.id,
                                                   t.locale, texts)
        if translation.status == "suggested":
            author = services.find_by_username(demo.author)
            translation_services.accept(author, space, translation.id)


def _make_proposal(space: Space, author: User, demo: DemoProposal) -> None:
    from decide.proposals import services as proposal_services

    proposal = proposal_services.create_draft(
        author, space, title=demo.title, summary=demo.summary, description=demo.description,
        tags=demo.tags, geozone_slug=demo.geozone, locale=demo.locale)
    if not demo.publish:
        return
    proposal_services.publish(author, proposal)
    for name in demo.supporters:
        supporter = services.find_by_username(name)
        if supporter is not None:
            proposal_services.support(supporter, space, proposal.id)
    for name, statement, locale in demo.endorsements:
        official = services.find_by_username(name)
        if official is not None:
            proposal_services.endorse(official, proposal, statement, locale)
    _add_translations(space, proposal, demo)
    if demo.update is not None:
        proposal_services.send_update(author, proposal, *demo.update)
    if demo.retire is not None:
        proposal_services.retire(author, proposal, *demo.retire)
    if demo.archived:
        _backdate(proposal, ARCHIVED_AGE_DAYS)


def load_demo_proposals() -> int:
    """Create the demo proposals and joint actions that are missing (with their supports,
    endorsements and translations), then the AL-LAs action plan and declaration when the
    alliance enables the plans module."""
    from decide.proposals.models import Proposal

    _apply_demo_settings()
    created = 0
    for demo in DEMO_PROPOSALS:
        space = space_by_slug(*demo.space)
        author = services.find_by_username(demo.author)
        if space is None or author is None or not space.has_module("proposals"):
            continue
        if db.session.scalar(db.select(Proposal.id).where(Proposal.space_id == space.id,
                                                          Proposal.title == demo.title)):
            continue
        _make_proposal(space, author, demo)
        created += 1
    load_demo_plan()
    return created


# --- the AL-LAs action plan and a declaration (decide/plans) ----------------------------------

DEMO_COMMITTED_CITIES = ("montevideo", "madrid", "belo-horizonte", "quito")
# (title, days from today it is due, progress in percent)
DEMO_MILESTONES = (
    ("Acordar la metodología común de medición", -120, 100),
    ("Publicar los primeros datos abiertos comparables", 90, 40),
    ("Presentar el informe conjunto en la cumbre de AL-LAs", 300, 0),
)
DEMO_DECLARATION = {
    "title": "Declaración de Montevideo por la participación ciudadana en red",
    "body": "Las ciudades de AL-LAs reunidas en Montevideo nos comprometemos a:\n\n"
            "1. Abrir a la ciudadanía las decisiones sobre una parte creciente de nuestros "
            "presupuestos.\n2. Compartir entre nosotras los métodos, los datos y los "
            "resultados de la participación.\n3. Rendir cuentas cada año de lo aprendido.",
    "locale": "es",
    "place": "Montevideo",
}
DEMO_DECLARATION_SIGNED_ON = (2025, 11, 20)
DEMO_ADHERING = (("ana.madrid", "madrid"), ("prefeitura.bh", "belo-horizonte"),
                 ("alcaldia.quito", "quito"))


def load_demo_plan() -> bool:
    """Adopt the successful flagship joint action into AL-LAs' action plan (in progress, with
    committed cities and milestones) and publish a declaration that three cities adhere to.
    Does nothing until AL-LAs enables the plans module; returns whether it ran."""
    from datetime import date, timedelta

    from decide.core.modules import registry
    from decide.proposals.models import Proposal

    alliance = space_by_slug(*AL_LAS)
    secretariat = services.find_by_username("sec.allas")
    if alliance is None or secretariat is None or "plans" not in registry \
            or not alliance.has_module("plans"):
        return False
    from decide.plans import services as plan_services
    from decide.plans.models import Declaration, PlanItem

    flagship = db.session.scalar(db.select(Proposal).where(Proposal.space_id == alliance.id,
                                                           Proposal.title == FLAGSHIP_TITLE))
    if flagship is not None and flagship.successful_at is not None and db.session.scalar(
            db.select(PlanItem.id).where(PlanItem.proposal_id == flagship.id)) is None:
        item = plan_services.adopt(secretariat, alliance, flagship.id)
        plan_services.set_status(secretariat, item, "in_progress")
        for slug in DEMO_COMMITTED_CITIES:
            city = city_by_slug(slug)
            if city is not None:
                plan_services.add_commitment(secretariat, item, city.id)
        for title, days, progress in DEMO_MILESTONES:
            plan_services.add_milestone(secretariat, item, title=title,
                                        due_on=date.today() + timedelta(days=days),
                                        progress=progress)

    declaration = db.session.scalar(db.select(Declaration).where(
        Declaration.space_id == alliance.id, Declaration.title == DEMO_DECLARATION["title"]))
    if declaration is None:
        declaration = plan_services.publish_declaration(
            secretariat, alliance, signed_on=date(*DEMO_DECLARATION_SIGNED_ON),
            **DEMO_DECLARATION)
    adhering = {a.city_id for a in declaration.adhesions}
    for username, slug in DEMO_ADHERING:
        administrator, city = services.find_by_username(username), city_by_slug(slug)
        if administrator is not None and city is not None and city.id not in adhering:
            plan_services.adhere(administrator, declaration, city.id)
    return True
