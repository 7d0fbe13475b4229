"""The listing helper: declared orderings with their indexes, filters, tabs and chips."""

from __future__ import annotations

from sqlalchemy import inspect

from decide.core.modules import registry
from decide.debates.queries import LISTING
from decide.extensions import db
from tests.debates.helpers import new_debate


def test_every_ordering_has_its_index(app) -> None:
    with app.app_context():
        indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("debates")}
    assert {ordering.index for ordering in LISTING.orderings} <= indexes
    assert registry.get("debates") is not None


def test_tabs_keep_the_filters_and_bad_values_are_refused(app, client, make_user) -> None:
    make_user("ana")
    new_debate(app, title="Shade for the plaza", tags="climate")
    html = client.get("/aurora/debates/?tag=climate&order=new",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    # Each tab keeps the tag; the active one is marked; the chip removes the tag only.
    assert 'href="/aurora/debates/?order=top&amp;tag=climate"' in html
    assert 'aria-current="page">Newest' in html
    assert 'href="/aurora/debates/?order=new"' in html
    assert client.get("/aurora/debates/?order=sideways").status_code == 400
    assert client.get("/aurora/debates/?q=" + "x" * 201).status_code == 400
    response = client.get("/aurora/debates/?tag=nothing-here",
                          headers={"Accept-Language": "en"})
    assert response.status_code == 404 and "nothing-here" in response.get_data(as_text=True)
