"""One hide/restore service for every module's content."""

from __future__ import annotations

import pytest

from decide.accounts.services import find_by_username
from decide.cities.queries import city_by_slug
from decide.core.errors import DomainError
from decide.extensions import db
from decide.moderation import services
from decide.moderation.models import Flag
from tests.conftest import login
from tests.debates.helpers import new_comment, new_debate


def test_moderator_hides_and_restores_a_debate(app, client, make_user) -> None:
    make_user("ana")
    make_user("mod", roles=[("city", "aurora", "moderator")])
    debate_id = new_debate(app)
    login(client, "mod")
    response = client.post(f"/aurora/moderation/debate/{debate_id}/hide")
    assert response.status_code == 303
    # The moderator still sees it, marked, with a way back.
    html = client.get(f"/aurora/debates/{debate_id}").get_data(as_text=True)
    assert f"moderation/debate/{debate_id}/restore" in html
    anonymous = app.test_client()
    assert anonymous.get(f"/aurora/debates/{debate_id}").status_code == 404
    assert client.post(f"/aurora/moderation/debate/{debate_id}/restore").status_code == 303
    assert anonymous.get(f"/aurora/debates/{debate_id}").status_code == 200


def test_only_moderators_of_the_space_hide(app, client, make_user) -> None:
    make_user("ana")
    make_user("mod", roles=[("city", "borealis", "moderator")])
    debate_id = new_debate(app)
    login(client, "ana")
    assert client.post(f"/aurora/moderation/debate/{debate_id}/hide").status_code == 403
    login(client, "mod")
    assert client.post(f"/aurora/moderation/debate/{debate_id}/hide").status_code == 403
    # Another space's URL never reaches the item.
    assert client.post(f"/borealis/moderation/debate/{debate_id}/hide").status_code == 404


def test_hiding_a_comment_resolves_its_flags(app, make_user) -> None:
    make_user("ana")
    make_user("bo")
    make_user("mod", roles=[("city", "aurora", "moderator")])
    comment_id = new_comment(app, new_debate(app))
    with app.test_request_context():
        aurora = city_by_slug("aurora")
        services.flag(find_by_username("bo"), aurora, "comment", comment_id, "spam")
        with pytest.raises(DomainError):
            services.hide(find_by_username("bo"), aurora, "comment", comment_id)
        comment = services.hide(find_by_username("mod"), aurora, "comment", comment_id)
        assert comment.is_hidden
        assert db.session.scalar(db.select(Flag.resolved_at)) is not None
        assert not services.restore(find_by_username("mod"), aurora, "comment",
                                    comment_id).is_hidden
