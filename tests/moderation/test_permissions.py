"""Every moderation route: sign-in first, 403 without the role in this space, 404 for another
space's items."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.debates.helpers import new_debate
from tests.moderation.helpers import flag_by, is_hidden, unresolved


def _routes(debate: int) -> list[tuple[str, str, dict]]:
    return [
        ("get", "/aurora/moderation/", {}),
        ("get", "/aurora/moderation/debate/", {}),
        ("get", "/aurora/moderation/debate/?status=hidden", {}),
        ("get", f"/aurora/moderation/debate/{debate}", {}),
        ("post", "/aurora/moderation/debate/bulk", {"action": "hide", "ids": [debate]}),
        ("post", "/aurora/moderation/debate/bulk", {"action": "ignore", "ids": [debate]}),
        ("post", "/aurora/moderation/debate/bulk", {"action": "block", "ids": [debate]}),
        ("post", "/aurora/moderation/debate/bulk", {"action": "restore", "ids": [debate]}),
        ("post", "/aurora/moderation/debate/bulk", {"action": "confirm", "ids": [debate]}),
        ("post", "/aurora/moderation/debate/block", {"user_ids": ["1"]}),
        ("post", f"/aurora/moderation/debate/{debate}/hide", {}),
        ("post", f"/aurora/moderation/debate/{debate}/restore", {}),
    ]


@pytest.mark.parametrize("who", ["resident", "other_moderator", "valuator"])
def test_people_without_the_role_here_get_403(app, client, make_user, who) -> None:
    make_user("ana")
    make_user("resident", verified=True)
    make_user("other_moderator", roles=[("city", "borealis", "moderator")])
    make_user("valuator", roles=[("city", "aurora", "valuator")])
    debate = new_debate(app)
    flag_by(app, make_user, "debate", debate, 1)
    login(client, who)
    for method, url, data in _routes(debate):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 403, (who, url, data)
        assert "Not allowed" in response.get_data(as_text=True) or \
            "No permitido" in response.get_data(as_text=True)
    assert not is_hidden(app, "debate", debate) and unresolved(app, "debate", debate) == 1


def test_anonymous_visitors_are_sent_to_sign_in(app, client, make_user) -> None:
    make_user("ana")
    debate = new_debate(app)
    for method, url, data in _routes(debate):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 302 and "/accounts/login" in response.location, url


def test_another_spaces_items_are_404_for_its_moderators(app, client, make_user) -> None:
    """A moderator of borealis reaches aurora's items through neither space."""
    make_user("ana")
    make_user("mod", roles=[("city", "borealis", "moderator")])
    debate = new_debate(app)  # in aurora
    flag_by(app, make_user, "debate", debate, 1)
    login(client, "mod")
    for method, url, data in _routes(debate):
        if url.startswith("/aurora/moderation/debate/block"):
            continue
        elsewhere = url.replace("/aurora/", "/borealis/")
        if "/bulk" not in url and f"/{debate}" not in url:
            continue  # the queue pages themselves exist in borealis
        response = getattr(client, method)(elsewhere, data=data)
        assert response.status_code == 404, (elsewhere, data)
    response = client.post("/borealis/moderation/debate/block", data={"user_ids": ["1"]})
    assert response.status_code == 404
    # The borealis queue does not list aurora's flagged debate.
    html = client.get("/borealis/moderation/debate/?status=all").get_data(as_text=True)
    assert f"/moderation/debate/{debate}" not in html
    assert not is_hidden(app, "debate", debate) and unresolved(app, "debate", debate) == 1


def test_the_admin_menu_links_to_the_queues(app, client, make_user) -> None:
    make_user("mod", locale="en", roles=[("city", "aurora", "moderator")])
    login(client, "mod")
    html = client.get("/aurora/admin/").get_data(as_text=True)
    assert 'href="/aurora/moderation/"' in html
