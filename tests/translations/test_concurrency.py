"""Reviewers accepting at the same moment leave one published translation per language
(real HTTP requests on the live server; run on PostgreSQL and SQLite)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from decide.extensions import db
from decide.translations.models import ContentTranslation
from tests.debates.helpers import new_debate
from tests.debates.test_concurrency import Browser
from tests.translations.helpers import ENGLISH, SPANISH, suggest


def test_concurrent_accepts_publish_one_translation_per_language(app, live_server,
                                                                  make_user) -> None:
    make_user("ana")
    make_user("mod", roles=[("city", "aurora", "moderator")])
    translators = [f"reader{n}" for n in range(8)]
    for name in translators:
        make_user(name)
    debate = new_debate(app, author="ana", locale="es", **SPANISH)
    suggestions = [suggest(app, debate, who=name,
                           texts={**ENGLISH, "title": f"Shade, version {n}"})
                   for n, name in enumerate(translators)]
    reviewers = [Browser(live_server, "ana"), Browser(live_server, "mod")]

    def accept(n: int) -> int:
        # Each suggestion is accepted twice, by both reviewers, all at once.
        return reviewers[n % 2].post(
            f"/aurora/translations/{suggestions[n // 2]}/accept")

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(accept, range(2 * len(suggestions))))
    # 200: accepted (the redirect to the review page was followed); 409: already reviewed.
    assert sorted(set(statuses)) == [200, 409], statuses
    assert statuses.count(200) == len(suggestions)
    with app.app_context():
        rows = list(db.session.scalars(select(ContentTranslation)))
        assert [r.status for r in rows].count("accepted") == 1
        assert {r.status for r in rows} == {"accepted", "replaced"}
        assert all(r.reviewed_by_id is not None for r in rows)
