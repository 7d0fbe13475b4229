"""`decide demo` with the shipped configuration: proposals at every status in several cities,
joint actions of AL-LAs with supports from several cities, endorsements, a translation a Belo
Horizonte resident reads, and the AL-LAs action plan and a declaration.
Running it twice duplicates nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from decide.extensions import db
from tests.conftest import FIXTURE_CONFIG, login

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def shipped_configuration(app: Flask) -> Iterator[None]:
    """The demo loads the real cities and alliances (config/), as `decide demo` does."""
    from decide.config import CONFIG_DIR

    app.config.update(CITIES_DIR=str(CONFIG_DIR / "cities"),
                      ALLIANCES_DIR=str(CONFIG_DIR / "alliances"))
    yield
    app.config.update(CITIES_DIR=str(FIXTURE_CONFIG / "cities"),
                      ALLIANCES_DIR=str(FIXTURE_CONFIG / "alliances"))


def run_demo(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def totals() -> dict[str, int]:
    from decide.accounts.models import User
    from decide.proposals.models import Endorsement, Proposal, ProposalSupport
    from decide.translations.models import ContentTranslation

    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Proposal, ProposalSupport, Endorsement, ContentTranslation)}


def test_demo_proposals_at_every_status_and_joint_actions(app: Flask) -> None:
    from decide.cities.queries import space_by_slug
    from decide.proposals import queries
    from decide.proposals.models import Proposal
    from decide.translations.models import ContentTranslation

    assert "demo proposals and joint actions: 14 created" in run_demo(app)
    with app.test_request_context():
        before = totals()
        proposals = db.session.scalars(select(Proposal)).all()
        statuses_by_city: dict[str, set[str]] = {}
        for proposal in proposals:
            statuses_by_city.setdefault(proposal.space.slug, set()).add(
                queries.status_of(proposal))
        assert set().union(*statuses_by_city.values()) == {
            "draft", "open", "successful", "archived", "retired"}
        cities = {slug for slug in statuses_by_city if slug != "al-las"}
        assert cities == {"madrid", "montevideo", "quito", "belo-horizonte"}
        assert {p.locale for p in proposals if p.space.slug == "belo-horizonte"} == {"pt_BR"}
        archived = [p for p in proposals if queries.status_of(p) == "archived"]
        assert archived and all(p.code.endswith(f"{p.published_at:%Y-%m}-{p.id}")
                                for p in archived)

        alliance = space_by_slug("alliance", "al-las")
        joint = [p for p in proposals if p.space_id == alliance.id and not p.is_draft]
        flagship = next(p for p in joint if p.is_successful)
        progress = queries.progress(flagship)
        supporting = {row.city.slug for row in progress.cities if row.supports}
        assert supporting == {"montevideo", "belo-horizonte", "madrid", "quito"}
        assert progress.supports == sum(row.supports for row in progress.cities) == 6
        endorsements = queries.endorsements_of(flagship)
        assert {e.city.slug for e in endorsements} == {"montevideo", "madrid",
                                                       "belo-horizonte"}
        assert all(e.statement for e in endorsements)
        assert {e.locale for e in endorsements} == {"es", "pt_BR"}
        translations = db.session.scalars(select(ContentTranslation).where(
            ContentTranslation.target_type == "proposal",
            ContentTranslation.target_id == flagship.id)).all()
        assert {(t.locale, t.status) for t in translations} == {("pt_BR", "accepted"),
                                                                 ("en", "accepted")}
        flagship_id = flagship.id
        open_joint = [p for p in joint if queries.status_of(p) == "open"]
        assert open_joint and len({row.city.slug for row in queries.progress(
            open_joint[0]).cities if row.supports}) >= 3

    # Joao, of Belo Horizonte, reads the Montevideo joint action in Portuguese.
    client = app.test_client()
    login(client, "joao", "decide-demo-2026")
    page = client.get(f"/alliances/al-las/proposals/{flagship_id}").get_data(as_text=True)
    assert "Rede de orçamentos participativos entre cidades da AL-LAs" in page
    assert "Belo Horizonte, pioneira do orçamento participativo" in page

    # Twice: nothing is duplicated.
    assert "demo proposals and joint actions: 0 created" in run_demo(app)
    with app.test_request_context():
        assert totals() == before


def test_demo_action_plan_and_declaration(app: Flask) -> None:
    from decide.cities.queries import space_by_slug
    from decide.demo import DEMO_ADHERING, DEMO_COMMITTED_CITIES, DEMO_MILESTONES, load_demo_plan
    from decide.plans.models import Adhesion, Declaration, Milestone, PlanItem

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PlanItem)) == 0
    run_demo(app)
    with app.test_request_context():
        alliance = space_by_slug("alliance", "al-las")
        assert "plans" in alliance.modules  # config/alliances/al-las.toml enables it
        assert load_demo_plan() is True  # again: nothing more
        item = db.session.scalar(select(PlanItem))
        assert item.status == "in_progress" and item.proposal.is_successful
        assert {c.city.slug for c in item.commitments} == set(DEMO_COMMITTED_CITIES)
        assert [m.progress for m in item.milestones] == [p for _t, _d, p in DEMO_MILESTONES]
        assert db.session.scalar(select(func.count()).select_from(Milestone)) == len(
            DEMO_MILESTONES)
        declaration = db.session.scalar(select(Declaration))
        assert Counter(a.city.slug for a in db.session.scalars(select(Adhesion))) == Counter(
            slug for _user, slug in DEMO_ADHERING)
        assert db.session.scalar(select(func.count()).select_from(Declaration)) == 1
        plan_title = item.proposal.title
        declaration_id = declaration.id

    client = app.test_client()
    plan = client.get("/alliances/al-las/plan", headers={"Accept-Language": "es"})
    assert plan.status_code == 200 and plan_title in plan.get_data(as_text=True)
    page = client.get(f"/alliances/al-las/declarations/{declaration_id}", headers=EN)
    assert page.status_code == 200 and "Quito" in page.get_data(as_text=True)


def test_demo_budgets_voting_in_madrid_and_finished_in_al_las(app: Flask) -> None:
    from decide.budgets.demo import ALLAS_MILESTONES, MADRID_BALLOTS, MADRID_PROJECTS
    from decide.budgets.models import Ballot, BallotLine, Budget, Project, ProjectMilestone

    assert "demo budgets: 2 created" in run_demo(app)
    with app.app_context():
        budgets = {b.space.slug: b for b in db.session.scalars(select(Budget))}
        assert budgets["madrid"].phase == "balloting" and budgets["madrid"].is_published
        assert budgets["al-las"].phase == "finished"
        assert budgets["al-las"].results_published_at is not None
        madrid_projects = db.session.scalars(select(Project).where(
            Project.budget_id == budgets["madrid"].id)).all()
        assert len(madrid_projects) == len(MADRID_PROJECTS)
        assert sum(p.votes_count for p in madrid_projects) == sum(
            len(titles) for _voter, titles in MADRID_BALLOTS)
        assert [p.title for p in madrid_projects if not p.selected] == [
            d.title for d in MADRID_PROJECTS if d.unfeasible]
        winners = db.session.scalars(select(Project).where(
            Project.budget_id == budgets["al-las"].id, Project.winner)).all()
        assert winners
        assert db.session.scalar(select(func.count()).select_from(ProjectMilestone)) == len(
            ALLAS_MILESTONES)
        totals = [db.session.scalar(select(func.count()).select_from(model))
                  for model in (Budget, Project, Ballot, BallotLine)]
        allas_id = budgets["al-las"].id

    assert "demo budgets: 0 created" in run_demo(app)  # twice: nothing duplicated
    with app.app_context():
        assert totals == [db.session.scalar(select(func.count()).select_from(model))
                          for model in (Budget, Project, Ballot, BallotLine)]
    client = app.test_client()
    results = client.get(f"/alliances/al-las/budgets/{allas_id}/results", headers=EN)
    assert results.status_code == 200 and winners[0].title in results.get_data(as_text=True)
