"""Budgets made quickly for tests, straight in the database (the admin pages have their own
tests); projects as residents make them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decide.budgets.models import PHASES, Budget, BudgetGroup, BudgetHeading, BudgetPhase, Project
from decide.core.text import render_markdown
from decide.extensions import db
from tests.debates.helpers import space


def new_budget(app, where: str = "aurora", *, phase: str = "accepting",
               amounts: Sequence[int] = (1_000_000,), voting_style: str = "knapsack",
               published: bool = True, max_headings: int = 1, rule: str = "greedy",
               **heading_options: Any) -> dict[str, Any]:
    """A budget in `phase` with one group of headings (one per amount).
    Returns {"id": budget id, "headings": [heading ids], "group": group id}."""
    from decide.core.db import utcnow

    with app.app_context():
        target = space(where)
        budget = Budget(space_id=target.id, names={"en": "Budget 2027", "es": "Presupuesto 2027",
                                                   "pt_BR": "Orçamento 2027"},
                        descriptions={"en": "Our money, our choice."},
                        currency=target.currency, voting_style=voting_style, phase=phase,
                        allocation_rule=rule, published_at=utcnow() if published else None)
        budget.phases = [BudgetPhase(kind=kind, position=i, enabled=True)
                         for i, kind in enumerate(PHASES)]
        group = BudgetGroup(names={"en": "Districts", "es": "Distritos", "pt_BR": "Distritos"},
                            max_headings=max_headings)
        budget.groups = [group]
        db.session.add(budget)
        db.session.flush()
        for i, amount in enumerate(amounts):
            group.headings.append(BudgetHeading(
                budget_id=budget.id, names={"en": f"Heading {i + 1}", "es": f"Partida {i + 1}",
                                            "pt_BR": f"Rubrica {i + 1}"},
                amount=amount, position=i, **heading_options))
        db.session.commit()
        return {"id": budget.id, "group": group.id, "headings": [h.id for h in group.headings]}


def new_project(app, budget: dict[str, Any], author: str = "ana", *, heading: int = 0,
                title: str = "Trees for the square", price: int | None = None,
                feasibility: str = "undecided", selected: bool = False,
                where: str = "aurora") -> int:
    """A project straight in the database (the services have their own tests)."""
    from decide.accounts.services import find_by_username

    with app.app_context():
        heading_row = db.session.get(BudgetHeading, budget["headings"][heading])
        project = Project(space_id=space(where).id, budget_id=budget["id"],
                          heading_id=heading_row.id, group_id=heading_row.group_id,
                          author_id=find_by_username(author).id, title=title,
                          description="Plant trees.", description_html=render_markdown(
                              "Plant trees."), locale="en", price=price,
                          feasibility=feasibility, selected=selected)
        db.session.add(project)
        heading_row.projects_count = BudgetHeading.projects_count + 1
        db.session.commit()
        return project.id


def set_phase(app, budget_id: int, phase: str) -> None:
    with app.app_context():
        db.session.get(Budget, budget_id).phase = phase
        db.session.commit()
