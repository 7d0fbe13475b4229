"""Helpers for translation tests: suggest and review through the services."""

from __future__ import annotations

from typing import Any

from decide.accounts.services import find_by_username
from tests.debates.helpers import space

SPANISH = {"title": "Sombra para las plazas", "description": "Necesitamos **árboles**."}
ENGLISH = {"title": "Shade for the squares", "description": "We need **trees**."}


def suggest(app, debate_id: int, who: str = "bea", locale: str = "en",
            texts: dict[str, str] | None = None, where: str = "aurora") -> int:
    from decide.translations import services

    with app.test_request_context():
        return services.suggest(find_by_username(who), space(where), "debate", debate_id,
                                locale, texts or ENGLISH).id


def review(app, translation_id: int, who: str, decision: str = "accept",
           where: str = "aurora") -> Any:
    from decide.translations import services

    with app.test_request_context():
        result = getattr(services, decision)(find_by_username(who), space(where),
                                             translation_id)
        return result.status
