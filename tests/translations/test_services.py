"""Suggesting, accepting and rejecting translations (services)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from decide.accounts.services import find_by_username
from decide.core.db import utcnow
from decide.core.errors import DomainError
from decide.core.permissions import can
from decide.debates.models import Debate
from decide.extensions import db
from decide.translations import services
from decide.translations.models import ContentTranslation
from tests.debates.helpers import new_debate, space
from tests.translations.helpers import ENGLISH, SPANISH, review, suggest

EN = {"Accept-Language": "en"}


@pytest.fixture
def debate(app, make_user) -> int:
    make_user("ana")  # the author
    make_user("bea")  # a reader who translates
    make_user("mod", roles=[("city", "aurora", "moderator")])
    return new_debate(app, locale="es", **SPANISH)


def _rows(app) -> list[tuple[str, str, int | None]]:
    with app.app_context():
        return [(t.locale, t.status, t.author_id) for t in db.session.scalars(
            select(ContentTranslation).order_by(ContentTranslation.id))]


def _refused(app, debate_id: int, who: str = "bea", locale: str | None = "en",
             texts: dict | None = None, where: str = "aurora") -> DomainError:
    with app.test_request_context(headers=EN), pytest.raises(DomainError) as refused:
        services.suggest(find_by_username(who), space(where), "debate", debate_id, locale,
                         texts if texts is not None else ENGLISH)
    return refused.value


def test_a_readers_suggestion_waits_with_sanitised_html(app, debate) -> None:
    translation_id = suggest(app, debate, texts={
        "title": "  Shade for the squares ",
        "description": "We need <script>x</script> **trees**."})
    with app.app_context():
        row = db.session.get(ContentTranslation, translation_id)
        assert row.status == "suggested" and row.locale == "en" and row.reviewed_at is None
        assert row.fields["title"] == "Shade for the squares"
        assert "<strong>trees</strong>" in row.fields["description_html"]
        assert "<script>" not in row.fields["description_html"]
        assert row.space_id == db.session.get(Debate, debate).space_id


def test_a_second_suggestion_of_the_same_person_replaces_the_first(app, debate) -> None:
    first = suggest(app, debate)
    second = suggest(app, debate, texts={**ENGLISH, "title": "Shade on the squares"})
    assert first == second
    with app.app_context():
        assert db.session.get(ContentTranslation, first).fields["title"] == \
            "Shade on the squares"
    assert len(_rows(app)) == 1


def test_the_author_and_moderators_publish_their_own_at_once(app, debate) -> None:
    suggest(app, debate, who="ana")
    suggest(app, debate, who="mod", locale="pt_BR",
            texts={"title": "Sombra nas praças", "description": "Precisamos de árvores."})
    assert sorted(_rows(app)) == sorted([("en", "accepted", 1), ("pt_BR", "accepted", 3)])


def test_languages_the_original_and_those_the_space_does_not_offer_are_refused(
        app, debate, make_user) -> None:
    error = _refused(app, debate, locale="es")
    assert error.field == "locale" and error.status == 400 and "Spanish" in error.message
    for locale in ("fr", "", None, "pt-BR", "EN"):
        error = _refused(app, debate, locale=locale)
        assert error.field == "locale" and "English" in error.message
    make_user("cid", city="cenit")
    in_cenit = new_debate(app, author="cid", where="cenit", locale="es", **SPANISH)
    error = _refused(app, in_cenit, locale="pt_BR", where="cenit")
    assert error.status == 400 and "English" in error.message and "Portuguese" not in \
        error.message
    assert _rows(app) == []


def test_texts_are_checked_against_the_targets_columns(app, debate) -> None:
    error = _refused(app, debate, texts={"title": "x" * 81, "description": "ok"})
    assert error.field == "title" and "80" in error.message
    error = _refused(app, debate, texts={"title": "ok", "description": "x" * 10_001})
    assert error.field == "description"
    error = _refused(app, debate, texts={"title": "   ", "description": "ok"})
    assert error.field == "title"
    error = _refused(app, debate, texts={"title": "a\x00b", "description": "ok"})
    assert error.field == "title"
    assert _rows(app) == []


def test_unconfirmed_accounts_hidden_and_foreign_targets_are_refused(app, debate,
                                                                     make_user) -> None:
    make_user("newbie", confirmed=False)
    assert _refused(app, debate, who="newbie").status == 403
    assert _refused(app, debate, where="borealis").status == 404
    assert _refused(app, 999_999).status == 404
    with app.test_request_context(), pytest.raises(DomainError) as unknown:
        services.suggest(find_by_username("bea"), space("aurora"), "tag", 1, "en", ENGLISH)
    assert unknown.value.status == 404
    with app.app_context():
        db.session.execute(update(Debate).where(Debate.id == debate).values(
            hidden_at=utcnow()))
        db.session.commit()
    assert _refused(app, debate).status == 404


def test_only_the_author_or_a_moderator_review(app, debate, make_user) -> None:
    make_user("cai")
    make_user("boss", city="borealis", roles=[("city", "borealis", "moderator")])
    translation = suggest(app, debate)
    for who in ("bea", "cai", "boss"):  # the suggester, anyone, a moderator elsewhere
        with app.test_request_context(), pytest.raises(DomainError) as refused:
            services.accept(find_by_username(who), space("aurora"), translation)
        assert refused.value.status == 403
    with app.test_request_context():
        aurora, target = space("aurora"), db.session.get(Debate, debate)
        assert can(find_by_username("ana"), "translations.review", aurora, target)
        assert can(find_by_username("mod"), "translations.review", aurora, target)
        assert not can(find_by_username("cai"), "translations.review", aurora, target)
        assert can(find_by_username("cai"), "translations.suggest", aurora, target)
    assert review(app, translation, "mod") == "accepted"


def test_accepting_replaces_the_published_translation_of_that_language(app, debate,
                                                                        make_user) -> None:
    make_user("cai")
    first, second = suggest(app, debate), suggest(app, debate, who="cai")
    other_language = suggest(app, debate, locale="pt_BR")
    assert review(app, first, "ana") == "accepted"
    assert review(app, second, "ana") == "accepted"
    with app.app_context():
        statuses = {t.id: t.status for t in db.session.scalars(select(ContentTranslation))}
    assert statuses == {first: "replaced", second: "accepted", other_language: "suggested"}
    with app.test_request_context(), pytest.raises(DomainError) as twice:
        services.accept(find_by_username("ana"), space("aurora"), first)
    assert twice.value.status == 409


def test_rejecting_a_suggestion_and_withdrawing_a_published_one(app, debate) -> None:
    declined = suggest(app, debate)
    assert review(app, declined, "ana", "reject") == "rejected"
    with app.test_request_context(), pytest.raises(DomainError) as twice:
        services.reject(find_by_username("ana"), space("aurora"), declined)
    assert twice.value.status == 409
    published = suggest(app, debate, who="ana")
    assert review(app, published, "mod", "reject") == "rejected"
    assert {status for _l, status, _a in _rows(app)} == {"rejected"}


def test_the_schema_refuses_two_published_translations_of_one_language(app, debate) -> None:
    with app.app_context():
        aurora_id = db.session.get(Debate, debate).space_id
        for _ in range(2):
            db.session.add(ContentTranslation(space_id=aurora_id, target_type="debate",
                                              target_id=debate, locale="en", fields=ENGLISH,
                                              status="accepted"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        # Any number of suggestions, replaced and rejected ones may coexist.
        for status in ("suggested", "suggested", "replaced", "rejected", "accepted"):
            db.session.add(ContentTranslation(space_id=aurora_id, target_type="debate",
                                              target_id=debate, locale="en", fields=ENGLISH,
                                              status=status))
        db.session.commit()


def test_personal_data_and_account_deletion(app, debate) -> None:
    published = suggest(app, debate)
    review(app, published, "ana")
    waiting = suggest(app, debate, locale="pt_BR")
    with app.test_request_context():
        bea = find_by_username("bea")
        data = services.personal_data(bea)
        assert [(s["locale"], s["status"]) for s in data["suggested"]] == [
            ("en", "accepted"), ("pt_BR", "suggested")]
        assert data["suggested"][0]["fields"] == {k: v for k, v in ENGLISH.items()}
        assert services.personal_data(find_by_username("ana"))["reviewed"][0]["status"] == \
            "accepted"
        services.erase_personal_data(bea)
        services.erase_personal_data(find_by_username("ana"))
        db.session.commit()
        kept = db.session.get(ContentTranslation, published)
        assert kept.status == "accepted" and kept.author_id is None
        assert kept.reviewed_by_id is None
        assert db.session.get(ContentTranslation, waiting) is None


def test_the_author_hears_of_a_suggestion_once_folded(app, debate) -> None:
    from decide.accounts.services import find_by_username as find
    from decide.notifications.models import Notification

    suggest(app, debate)
    suggest(app, debate, locale="pt_BR", texts={"title": "Sombra nas praças",
                                                 "description": "Precisamos de árvores."})
    with app.app_context():
        notes = list(db.session.scalars(select(Notification)))
        assert [(n.kind, n.user_id, n.count) for n in notes] == [
            ("translation_suggested", find("ana").id, 2)]
