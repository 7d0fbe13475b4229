"""Proposals made the way people make them, through the services."""

from __future__ import annotations

from typing import Any

from decide.accounts.services import find_by_username
from decide.extensions import db
from tests.debates.helpers import space


def new_proposal(app, author: str = "ana", where: str = "aurora", title: str = "Shade for squares",
                 summary: str = "Trees in every square.", description: str = "We need trees.",
                 tags: str = "", locale: str = "en", publish: bool = True) -> int:
    from decide.proposals import services

    with app.test_request_context():
        proposal = services.create_draft(find_by_username(author), space(where), title=title,
                                         summary=summary, description=description, tags=tags,
                                         locale=locale)
        if publish:
            services.publish(find_by_username(author), proposal)
        return proposal.id


def support(app, proposal_id: int, who: str, where: str = "aurora") -> Any:
    """Support as `who`; returns the proposal's counters as they are after the support."""
    from types import SimpleNamespace

    from decide.proposals import services

    with app.test_request_context():
        proposal = services.support(find_by_username(who), space(where), proposal_id)
        return SimpleNamespace(id=proposal.id, supports_count=proposal.supports_count,
                               successful_at=proposal.successful_at)


def set_settings(app, where: str, **values: Any) -> None:
    with app.app_context():
        target = space(where)
        target.settings = {**target.settings, **values}
        db.session.commit()
