"""The space's search page."""

from __future__ import annotations

from tests.debates.helpers import new_debate

EN = {"Accept-Language": "en"}


def test_search_page_finds_debates_of_this_space_only(app, client, make_user) -> None:
    make_user("ana")
    new_debate(app, title="Huertas comunitarias en el barrio", locale="es")
    new_debate(app, title="Huertas en otra ciudad", where="borealis", locale="es")
    html = client.get("/aurora/search?q=HUERTAS", headers=EN).get_data(as_text=True)
    assert "Huertas comunitarias en el barrio" in html
    assert "otra ciudad" not in html and "(1)" in html
    html = client.get("/borealis/search?q=huertas", headers=EN).get_data(as_text=True)
    assert "otra ciudad" in html and "comunitarias" not in html


def test_search_page_bad_queries(client) -> None:
    assert client.get("/aurora/search").status_code == 200
    html = client.get("/aurora/search?q=%2A", headers=EN).get_data(as_text=True)
    assert "at least one word" in html
    assert client.get("/aurora/search?q=" + "x" * 201).status_code == 400
    html = client.get("/aurora/search?q=nothingmatches", headers=EN).get_data(as_text=True)
    assert "No results" in html
