"""Pages run a bounded number of queries whatever the data size."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from decide.accounts.models import User
from decide.cities.models import Space
from decide.comments.models import PATH_WIDTH, Comment
from decide.core.db import sync_id_sequence, utcnow
from decide.debates.models import Debate
from decide.extensions import db
from tests.debates.helpers import new_comment, new_debate


def _bulk_debates(app, count: int) -> None:
    with app.app_context():
        space_id = db.session.scalar(select(Space.id).where(Space.slug == "aurora"))
        author_id = db.session.scalar(select(User.id))
        now = utcnow()
        rows = [{"space_id": space_id, "author_id": author_id, "title": f"Bulk debate {n}",
                 "description": "x", "description_html": "<p>x</p>", "locale": "es",
                 "votes_agree": n % 7, "votes_disagree": n % 3, "votes_unverified": 0,
                 "comments_count": n % 11, "flags_count": 0, "hot_score": n / 1000,
                 "confidence_score": (n % 100) / 100, "last_activity_at": now,
                 "created_at": now, "updated_at": now} for n in range(count)]
        for start in range(0, count, 10_000):
            db.session.execute(insert(Debate), rows[start:start + 10_000])
        db.session.commit()


def _bulk_comments(app, debate_id: int, count: int) -> None:
    """`count` comments: a tenth top-level, the rest replies in chains under them."""
    with app.app_context():
        first = db.session.get(Comment, new_comment(app, debate_id))
        space_id, author_id = first.space_id, first.author_id
        from sqlalchemy import func

        first_id = (db.session.scalar(select(func.max(Comment.id))) or 0) + 1
        now = utcnow()
        next_id = first_id
        rows = []
        parents: list[dict] = []
        for n in range(count - 1):
            if n % 10 == 0 or not parents:
                row = {"parent_id": None, "depth": 0, "path": str(next_id).zfill(PATH_WIDTH),
                       "root_id": next_id}
                parents = [row]
            else:
                parent = parents[-1]
                row = {"parent_id": parent["id"], "depth": parent["depth"] + 1,
                       "path": parent["path"] + "/" + str(next_id).zfill(PATH_WIDTH),
                       "root_id": parent["root_id"]}
                parent["replies_count"] += 1
                parents.append(row)
            row.update({"id": next_id, "space_id": space_id, "target_type": "debate",
                        "target_id": debate_id, "author_id": author_id,
                        "body": f"Bulk comment {n}", "body_html": f"<p>Bulk comment {n}</p>",
                        "votes_up": n % 5, "votes_down": 0, "confidence_score": n / count,
                        "replies_count": 0, "flags_count": 0, "created_at": now,
                        "updated_at": now})
            rows.append(row)
            next_id += 1
        db.session.execute(insert(Comment), rows)
        sync_id_sequence("comments")
        db.session.execute(update(Debate).where(Debate.id == debate_id).values(
            comments_count=Debate.comments_count + count))
        db.session.commit()


def _index_some(app, count: int) -> None:
    """Make bulk rows searchable, as the services do for real ones."""
    from decide.search.services import index_document

    with app.app_context():
        for debate in db.session.scalars(select(Debate).order_by(Debate.id.desc()).limit(count)):
            index_document(space_id=debate.space_id, target_type="debate",
                           target_id=debate.id, locale="es", title=debate.title, body="")
        db.session.commit()


def _count(client, count_queries, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
        assert response.status_code == 200, url
    return counter.count


def test_debate_list_with_100000_debates(app, logged_in, count_queries) -> None:
    client = logged_in("ana")
    new_debate(app, tags="climate")
    urls = ["/aurora/debates/", "/aurora/debates/?order=top&page=3",
            "/aurora/debates/?order=active", "/aurora/debates/?order=new",
            "/aurora/debates/?tag=climate", "/aurora/debates/?geozone=norte",
            "/aurora/debates/?q=bulk", "/aurora/"]
    _bulk_debates(app, 60)  # three pages: the same shape as a large list
    _index_some(app, 60)
    small = [_count(client, count_queries, url) for url in urls]
    _bulk_debates(app, 100_000)
    _index_some(app, 200)
    large = [_count(client, count_queries, url) for url in urls]
    assert small == large, dict(zip(urls, zip(small, large, strict=True), strict=True))
    assert max(large) <= 15  # the space home: one section per module


def test_debate_page_with_2000_comments(app, logged_in, count_queries) -> None:
    client = logged_in("ana")
    debate_id = new_debate(app)
    _bulk_comments(app, debate_id, 200)  # two pages of threads with replies
    urls = [f"/aurora/debates/{debate_id}", f"/aurora/debates/{debate_id}?order=newest&page=2"]
    small = [_count(client, count_queries, url) for url in urls]
    _bulk_comments(app, debate_id, 2_000)
    large = [_count(client, count_queries, url) for url in urls]
    assert small == large
    # The space, the session, the debate with the reader's vote, flag and follow button, the
    # threads with their authors and the reader's votes, the translations, the unread count.
    assert max(large) <= 9, large
    html = client.get(urls[0]).get_data(as_text=True)
    assert html.count('class="comment') >= 10 and 'class="continue"' in html


def _reader_state(app, debate_id: int, reply_id: int, root_id: int) -> None:
    """ana agrees, flags and follows the debate, finds a reply useful and a root not; bea
    follows it too."""
    from decide.accounts.services import find_by_username
    from decide.comments.services import vote_comment
    from decide.debates.services import vote
    from decide.follows.services import follow
    from decide.moderation.services import flag
    from tests.debates.helpers import space

    with app.test_request_context():
        ana, bea, aurora = find_by_username("ana"), find_by_username("bea"), space("aurora")
        vote(ana, aurora, debate_id, agree=True)
        flag(ana, aurora, "debate", debate_id, "spam")
        follow(ana, aurora, "debate", debate_id)
        follow(bea, aurora, "debate", debate_id)
        vote_comment(ana, aurora, reply_id, up=True)
        vote_comment(ana, aurora, root_id, up=False)


def _votes_block(html: str, comment_id: int) -> str:
    return html.split(f'data-fragment="comment-votes-{comment_id}"')[1].split("</div>")[0]


def test_debate_page_shows_the_readers_state(app, client, make_user) -> None:
    """What the page's few statements read: the reader's votes on the debate and on replies
    as well as roots, their flag, the follow button, and the pages of threads."""
    from tests.conftest import login

    make_user("author")
    make_user("bea", locale="en")
    make_user("ana", locale="en")
    debate_id = new_debate(app, author="author")
    roots = [new_comment(app, debate_id, author="author", body=f"Root {n}") for n in range(12)]
    reply_id = new_comment(app, debate_id, author="bea", body="A reply", parent_id=roots[-1])
    _reader_state(app, debate_id, reply_id, roots[-1])
    assert login(client, "ana").status_code == 302
    html = client.get(f"/aurora/debates/{debate_id}?order=newest").get_data(as_text=True)
    assert "You agree. You can change your vote." in html
    assert "You flagged this debate." in html
    assert "Following — stop following" in html and "2 followers" in html
    up, down = 'value="up" aria-pressed="true"', 'value="down" aria-pressed="true"'
    assert up in _votes_block(html, reply_id) and down not in _votes_block(html, reply_id)
    assert down in _votes_block(html, roots[-1]) and up not in _votes_block(html, roots[-1])
    assert 'aria-pressed="true"' not in _votes_block(html, roots[-2])
    assert "Root 11<" in html and "Root 1<" not in html and "page=2" in html
    page2 = client.get(f"/aurora/debates/{debate_id}?order=newest&page=2").get_data(
        as_text=True)
    assert "Root 1<" in page2 and "Root 0<" in page2 and "Root 11<" not in page2

    other = app.test_client()  # another reader sees their own state, not ana's
    assert login(other, "bea").status_code == 302
    html = other.get(f"/aurora/debates/{debate_id}?order=newest").get_data(as_text=True)
    assert "You agree" not in html and "You flagged" not in html
    assert "Following — stop following" in html and "2 followers" in html
    assert 'aria-pressed="true"' not in html


def test_comment_page_past_the_last_page_still_counts(app, make_user) -> None:
    from decide.comments.queries import comment_page
    from tests.debates.helpers import space

    make_user("ana")
    debate_id = new_debate(app)
    for n in range(3):
        new_comment(app, debate_id, body=f"Root {n}")
    with app.test_request_context():
        first, past = (comment_page(space("aurora"), "debate", debate_id, "top", page)
                       for page in (1, 4))
        assert (len(first.items), first.total) == (3, 3)
        assert (past.items, past.total, past.pages) == ([], 3, 1)


def test_alliance_debate_page_is_bounded(app, logged_in, count_queries) -> None:
    """An alliance's debate page also says where participants come from: still one query."""
    client = logged_in("ana", verified=True)
    debate_id = new_debate(app, where="alliances/pact")
    url = f"/alliances/pact/debates/{debate_id}"
    small = _count(client, count_queries, url)
    for n in range(15):
        new_comment(app, debate_id, body=f"Comment {n}", where="alliances/pact")
    large = _count(client, count_queries, url)
    assert small == large and large <= 9, (small, large)
    assert "Aurora" in client.get(url).get_data(as_text=True).split(
        'id="cities-title"')[1].split("</section>")[0]


def test_a_vote_runs_a_bounded_number_of_statements(app, logged_in, make_user,
                                                    count_queries) -> None:
    """The space, the session, the locked debate, the person's vote, its row, the counters
    (returning their new values), the scores and the space's content version: 11 before the
    debate was loaded once and the counters came back with their update."""
    make_user("author")
    debate_id = new_debate(app, author="author")
    client = logged_in("ana", verified=True, locale="en")
    assert client.post(f"/aurora/debates/{debate_id}/vote",
                       data={"value": "agree"}).status_code == 303
    with count_queries() as counter:
        response = client.post(f"/aurora/debates/{debate_id}/vote", data={"value": "disagree"})
    assert response.status_code == 303
    # SQLite takes its write lock with one more statement (decide.core.db.sqlite_write_lock).
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    assert counter.count <= (9 if sqlite else 8), counter.statements
    html = client.get(f"/aurora/debates/{debate_id}", headers={"Accept-Language": "en"})
    assert "100%</strong> disagree" in html.get_data(as_text=True)
