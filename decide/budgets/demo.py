"""Demo participatory budgets, made the way people make them (through the services):

- Madrid's 2027 budget in the balloting phase (knapsack ballots), with district headings,
  valuated and selected projects and a few ballots already cast;
- AL-LAs' joint fund, finished: contributions from member cities, approval ballots from
  residents of four cities, results published with Equal Shares and execution milestones.

Running it again creates nothing twice (budgets are found by name)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from decide.accounts.services import find_by_username
from decide.budgets import admin_services, ballots, execution, results, services
from decide.budgets.models import Budget, Project
from decide.cities.queries import city_by_slug, space_by_slug
from decide.extensions import db

MADRID = ("city", "madrid")
AL_LAS = ("alliance", "al-las")


@dataclass(frozen=True)
class DemoProject:
    author: str
    heading: int            # index in the budget's headings
    title: str
    description: str
    price: int
    location: str = ""
    unfeasible: str = ""    # the public explanation when found unfeasible


MADRID_BUDGET = {
    "names": {"es": "Presupuestos participativos 2027", "en": "Participatory budget 2027",
              "pt_BR": "Orçamento participativo 2027"},
    "descriptions": {
        "es": "Madrid reserva **12 millones de euros** del presupuesto de 2027 para los "
              "proyectos que decidan sus vecinas y vecinos: propón, apoya y vota.",
        "en": "Madrid sets aside **12 million euros** of its 2027 budget for the projects its "
              "residents choose: propose, support and vote.",
        "pt_BR": "Madri reserva **12 milhões de euros** do orçamento de 2027 para os projetos "
                 "escolhidos pelos moradores: proponha, apoie e vote."},
}
# (group names, max headings, [(heading names, amount)])
MADRID_GROUPS = (
    ({"es": "Toda la ciudad", "en": "The whole city", "pt_BR": "A cidade toda"}, 1,
     [({"es": "Toda la ciudad", "en": "The whole city", "pt_BR": "A cidade toda"},
       6_000_000)]),
    ({"es": "Distritos", "en": "Districts", "pt_BR": "Distritos"}, 1,
     [({"es": "Centro", "en": "Centro", "pt_BR": "Centro"}, 2_000_000),
      ({"es": "Arganzuela", "en": "Arganzuela", "pt_BR": "Arganzuela"}, 1_500_000),
      ({"es": "Vallecas", "en": "Vallecas", "pt_BR": "Vallecas"}, 2_500_000)]),
)
MADRID_PROJECTS = (
    DemoProject("lucia", 0, "Cien patios escolares abiertos en verano",
                "Abrir los patios de 100 colegios en julio y agosto, con sombra, fuentes y "
                "monitores, como refugios climáticos de barrio.", 2_400_000),
    DemoProject("pablo", 0, "Carril bici continuo en la Castellana",
                "Un carril bici protegido y continuo de norte a sur por el eje de la "
                "Castellana.", 3_900_000, location="Paseo de la Castellana"),
    DemoProject("concejala", 0, "Rehabilitación energética de 300 viviendas sociales",
                "Aislar fachadas y cubiertas de viviendas de la EMVS para bajar la factura y "
                "el calor en verano.", 4_500_000),
    DemoProject("lucia", 1, "Sombra y fuentes en la Plaza de la Cebada",
                "Pérgolas con plantas trepadoras y dos fuentes de agua potable.", 450_000,
                location="Plaza de la Cebada"),
    DemoProject("pablo", 1, "Aparcabicis seguros junto a los mercados",
                "Aparcamientos cubiertos y seguros para bicicletas junto a los cuatro "
                "mercados municipales del distrito.", 180_000),
    DemoProject("ana.madrid", 1, "Biblioteca de barrio con horario nocturno",
                "Ampliar el horario de la biblioteca hasta las 23:00 en época de exámenes.",
                950_000),
    DemoProject("lucia", 2, "Huerto comunitario en Madrid Río",
                "Un huerto urbano con riego por goteo, gestionado por asociaciones del barrio.",
                220_000, location="Madrid Río"),
    DemoProject("pablo", 2, "Teleférico hasta la Casa de Campo",
                "Un teleférico nuevo entre Arganzuela y la Casa de Campo.", 9_000_000,
                unfeasible="Cuesta más que toda la partida del distrito y el teleférico "
                           "existente ya cubre el recorrido."),
    DemoProject("ana.madrid", 3, "Pistas deportivas cubiertas en Entrevías",
                "Cubrir dos pistas deportivas para poder usarlas con lluvia y calor.",
                1_200_000),
    DemoProject("concejala", 3, "Calles escolares seguras en Vallecas",
                "Pacificar el tráfico en las calles de acceso a seis colegios.", 600_000),
)
# Ballots already cast in Madrid: (voter, project titles)
MADRID_BALLOTS = (
    ("lucia", ("Cien patios escolares abiertos en verano",
               "Sombra y fuentes en la Plaza de la Cebada",
               "Aparcabicis seguros junto a los mercados")),
    ("pablo", ("Carril bici continuo en la Castellana",)),
)

ALLAS_BUDGET = {
    "names": {"es": "Fondo común AL-LAs 2026", "en": "AL-LAs joint fund 2026",
              "pt_BR": "Fundo comum AL-LAs 2026"},
    "descriptions": {
        "es": "Las ciudades de AL-LAs aportan a un fondo común y sus residentes deciden qué "
              "acciones conjuntas financiar. El resultado se calcula con el **Método de las "
              "Partes Iguales** para que cada ciudad y cada grupo de votantes cuente.",
        "en": "AL-LAs cities pay into a joint fund and their residents decide which joint "
              "actions to fund. The result uses the **Method of Equal Shares** so that every "
              "city and every group of voters counts.",
        "pt_BR": "As cidades da AL-LAs contribuem para um fundo comum e seus moradores decidem "
                 "quais ações conjuntas financiar. O resultado usa o **Método das Partes "
                 "Iguais** para que cada cidade e cada grupo de eleitores conte."},
}
ALLAS_CONTRIBUTIONS = {"montevideo": 120_000, "madrid": 150_000, "belo-horizonte": 80_000,
                       "quito": 50_000}
ALLAS_PROJECTS = (
    DemoProject("martina", 0, "Escuela de verano de participación en red",
                "Formación compartida para equipos municipales de participación de las "
                "ciudades de AL-LAs, en línea y presencial en Montevideo.", 90_000),
    DemoProject("camila", 0, "Mapa abierto de huertas urbanas",
                "Un mapa común y abierto de las huertas urbanas de las ciudades miembro.",
                60_000),
    DemoProject("mariana", 0, "Intercambio de técnicos de movilidad",
                "Estancias de dos semanas de técnicos de movilidad entre ciudades miembro.",
                150_000),
    DemoProject("lucia", 0, "Observatorio común de vivienda vacía",
                "Una metodología y un portal comunes para contar la vivienda vacía.",
                180_000),
    DemoProject("diego", 0, "Festival itinerante de cultura barrial",
                "Un festival que recorre los barrios de cuatro ciudades miembro.", 120_000),
)
# Approval ballots: (voter, project indices)
ALLAS_BALLOTS = (
    ("martina", (0, 1, 4)), ("diego", (0, 4)), ("sofia", (0, 1)), ("camila", (1, 3)),
    ("andres", (1,)), ("mariana", (2, 0)), ("joao", (2,)), ("lucia", (3,)),
    ("pablo", (3, 2)),
)
# Milestones of the winners: (project index, days from today, progress, status position)
ALLAS_MILESTONES = (
    (0, -60, 30, 0, {"es": "Programa de la escuela acordado con las ciudades",
                     "en": "School programme agreed with the cities",
                     "pt_BR": "Programa da escola acordado com as cidades"}),
    (0, 20, 60, 1, {"es": "Primera edición en línea", "en": "First online edition",
                    "pt_BR": "Primeira edição on-line"}),
    (1, -30, 100, 2, {"es": "Mapa publicado con 640 huertas",
                      "en": "Map published with 640 gardens",
                      "pt_BR": "Mapa publicado com 640 hortas"}),
)


def _ids_named(space: Any, names: dict[str, str]) -> list[int]:
    # JSON columns compare differently per database: compare in Python (few budgets).
    rows = db.session.execute(select(Budget.id, Budget.names)
                              .where(Budget.space_id == space.id)).all()
    return [row.id for row in rows if row.names == names]


def _move(admin: Any, budget: Budget, phase: str) -> None:
    admin_services.move_phase(admin, budget, phase)
    db.session.refresh(budget)


def _schedule(admin: Any, budget: Budget, current: str) -> None:
    """Give every phase dates around today: past ones ended, the current one lasts a month."""
    kinds = [p.kind for p in budget.phases]
    now = kinds.index(current)
    today = date.today()
    for i, phase in enumerate(list(budget.phases)):
        start = today + timedelta(days=30 * (i - now) - 15)
        admin_services.update_phase(admin, budget, phase, enabled=True, starts_on=start,
                                    ends_on=start + timedelta(days=29),
                                    summaries=phase.summaries or {},
                                    descriptions=phase.descriptions or {})


def _submit(budget: Budget, space: Any, demo: DemoProject, heading_ids: list[int]) -> Project:
    author = find_by_username(demo.author)
    return services.submit_project(author, space, budget, heading_id=heading_ids[demo.heading],
                                   title=demo.title, description=demo.description,
                                   location=demo.location, locale="es")


def _valuate(admin: Any, project: Project, demo: DemoProject, select_it: bool) -> None:
    admin_services.valuate(
        admin, project, feasibility="unfeasible" if demo.unfeasible else "feasible",
        unfeasibility_explanation=demo.unfeasible, price=None if demo.unfeasible else demo.price,
        price_explanation="" if demo.unfeasible else "Estimación de los servicios técnicos.",
        price_first_year=None, duration="12 meses", finished=True)
    if select_it and not demo.unfeasible:
        admin_services.set_decision(admin, project, "selected", True)


def _build(admin: Any, space: Any, spec: dict[str, Any], voting_style: str, rule: str,
           groups: tuple, projects: tuple[DemoProject, ...],
           contributions: dict[str, int] | None = None) -> tuple[Budget, list[Project]]:
    budget = admin_services.create_budget(
        admin, space, names=spec["names"], descriptions=spec["descriptions"],
        voting_style=voting_style, hide_money=False, allocation_rule=rule, min_votes=0)
    heading_ids: list[int] = []
    for names, max_headings, headings in groups:
        group = admin_services.save_group(admin, budget, None, names=names,
                                          max_headings=max_headings)
        for heading_names, amount in headings:
            shares = None
            if contributions is not None:
                shares = {city_by_slug(slug).id: value for slug, value in contributions.items()
                          if city_by_slug(slug) is not None}
            heading = admin_services.save_heading(
                admin, budget, group, None, names=heading_names, amount=amount,
                geozone_id=None, population=None, max_projects=3 if voting_style == "approval"
                else None, min_projects=None, min_percent=None, contributions=shares)
            heading_ids.append(heading.id)
    admin_services.set_published(admin, budget, True)
    _move(admin, budget, "accepting")
    made = [_submit(budget, space, demo, heading_ids) for demo in projects]
    _move(admin, budget, "valuating")
    for project, demo in zip(made, projects, strict=True):
        _valuate(admin, project, demo, select_it=True)
    _move(admin, budget, "balloting")
    return budget, made


def load_demo_budgets() -> int:
    """Create the demo budgets that are missing; returns how many were created."""
    created = 0
    madrid, admin = space_by_slug(*MADRID), find_by_username("ana.madrid")
    if madrid is not None and admin is not None and madrid.has_module("budgets") \
            and not _ids_named(madrid, MADRID_BUDGET["names"]):
        budget, made = _build(admin, madrid, MADRID_BUDGET, "knapsack", "greedy",
                              MADRID_GROUPS, MADRID_PROJECTS)
        by_title = {p.title: p for p in made}
        for voter, titles in MADRID_BALLOTS:
            for title in titles:
                ballots.add_line(find_by_username(voter), madrid, budget.id,
                                 by_title[title].id)
        _schedule(admin, budget, "balloting")
        created += 1

    alliance, secretary = space_by_slug(*AL_LAS), find_by_username("sec.allas")
    allas_admin = find_by_username("admin")  # the deployment administrator runs it
    if alliance is not None and allas_admin is not None and secretary is not None \
            and alliance.has_module("budgets") \
            and not _ids_named(alliance, ALLAS_BUDGET["names"]):
        total = sum(ALLAS_CONTRIBUTIONS.values())
        budget, made = _build(
            allas_admin, alliance, ALLAS_BUDGET, "approval", "equalshares/add1",
            (({"es": "Acciones conjuntas", "en": "Joint actions", "pt_BR": "Ações conjuntas"}, 1,
              [({"es": "Fondo común", "en": "Joint fund", "pt_BR": "Fundo comum"}, total)]),),
            ALLAS_PROJECTS, contributions=ALLAS_CONTRIBUTIONS)
        for voter, picks in ALLAS_BALLOTS:
            person = find_by_username(voter)
            if person is None:
                continue
            for index in picks:
                ballots.add_line(person, alliance, budget.id, made[index].id)
        _move(allas_admin, budget, "reviewing_ballots")
        results.publish(allas_admin, alliance, budget.id)
        statuses = execution.ensure_default_statuses(alliance)
        winners = {p.id for p in db.session.scalars(
            select(Project).where(Project.budget_id == budget.id, Project.winner))}
        for index, days, progress, status, descriptions in ALLAS_MILESTONES:
            project = made[index]
            if project.id in winners:
                execution.add_milestone(
                    allas_admin, alliance, budget.id, project.id,
                    on_date=date.today() + timedelta(days=days), descriptions=descriptions,
                    status_id=statuses[min(status, len(statuses) - 1)].id, progress=progress)
        _schedule(allas_admin, budget, "finished")
        created += 1
    return created
