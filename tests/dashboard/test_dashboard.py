"""The participation dashboard: who may see it, what it counts (months in the space's time
zone, breakdowns by district and by member city), its CSV files and its query bound."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from decide.accounts.models import Residence, User
from decide.comments.models import Comment
from decide.debates.models import Debate
from decide.extensions import db
from decide.proposals.models import Proposal, ProposalSupport
from tests.conftest import login
from tests.debates.helpers import new_comment, new_debate, space
from tests.proposals.helpers import new_proposal, support

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
ADMIN = [("city", "aurora", "administrator")]


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dashboard's window ends in June 2026: July 2025 to June 2026."""
    monkeypatch.setattr("decide.dashboard.views.utcnow", lambda: NOW)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def set_time(app, model: type, row_id: int, **columns: datetime) -> None:
    with app.app_context():
        db.session.execute(update(model).where(model.id == row_id).values(**columns))
        db.session.commit()


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def known_dataset(app, make_user) -> dict[str, int]:
    """Accounts, residents, debates, a proposal, supports and a comment at known moments."""
    make_user("ana", city="aurora", verified=True, locale="en", roles=ADMIN)
    make_user("bea", city="aurora", verified=True)
    make_user("carl", city="aurora")
    make_user("dan", city="borealis", verified=True)
    for name, created in (("ana", at(2025, 1, 10)), ("bea", at(2026, 3, 5)),
                          ("carl", at(2026, 6, 1)), ("dan", at(2026, 6, 2))):
        set_time(app, User, user_id(app, name), created_at=created)
    with app.app_context():
        db.session.execute(update(Residence).values(verified_at=at(2026, 5, 20)))
        db.session.commit()
    north = south = None
    with app.app_context():
        zones = {zone.slug: zone.id for zone in space("aurora").geozones}
        north, south = zones["norte"], zones["sur"]
    # 22:30 UTC on 31 May is already June in Madrid: it counts in June.
    first = new_debate(app, "ana", title="Shade for the north")
    set_time(app, Debate, first, created_at=at(2026, 5, 31, 22, 30))
    set_geozone(app, Debate, first, north)
    second = new_debate(app, "bea", title="Benches everywhere")
    set_time(app, Debate, second, created_at=at(2026, 4, 10))
    hidden = new_debate(app, "bea", title="Spam spam spam")
    with app.app_context():
        db.session.execute(update(Debate).where(Debate.id == hidden).values(hidden_at=NOW))
        db.session.commit()
    elsewhere = new_debate(app, "dan", where="borealis", title="A Borealis debate")
    set_time(app, Debate, elsewhere, created_at=at(2026, 4, 10))
    proposal = new_proposal(app, "ana", title="Trees in the south")
    set_time(app, Proposal, proposal, created_at=at(2026, 2, 2))
    set_geozone(app, Proposal, proposal, south)
    support(app, proposal, "ana")
    support(app, proposal, "bea")
    with app.app_context():
        db.session.execute(update(ProposalSupport).values(created_at=at(2026, 6, 10)))
        db.session.commit()
    comment = new_comment(app, first, "bea")
    set_time(app, Comment, comment, created_at=at(2026, 6, 2))
    return {"north": north, "south": south}


def set_geozone(app, model: type, row_id: int, geozone_id: int) -> None:
    with app.app_context():
        db.session.execute(update(model).where(model.id == row_id).values(geozone_id=geozone_id))
        db.session.commit()


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.data.decode("utf-8"))))


MONTHS = ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01",
          "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]


def test_csv_of_each_figure_for_a_known_dataset(app, client, make_user) -> None:
    known_dataset(app, make_user)
    login(client, "ana")
    accounts = rows_of(client.get("/aurora/admin/dashboard/accounts.csv"))
    assert accounts[0] == ["Month", "New", "Total"]
    assert [row[0] for row in accounts[1:]] == MONTHS
    # ana joined before the window (counts in the totals), bea in March, carl in June; dan
    # lives in Borealis.
    assert accounts[1] == ["2025-07", "0", "1"]
    assert accounts[9] == ["2026-03", "1", "2"]
    assert accounts[12] == ["2026-06", "1", "3"]
    residents = rows_of(client.get("/aurora/admin/dashboard/residents.csv"))
    assert residents[11] == ["2026-05", "2", "2"] and residents[12] == ["2026-06", "0", "2"]

    debates = rows_of(client.get("/aurora/admin/dashboard/debate.csv"))
    assert debates[0] == ["Month", "New", "Total", "Norte", "Sur", "No district"]
    # The hidden debate and Borealis's are left out; 31 May 22:30 UTC is June in Madrid.
    assert debates[10] == ["2026-04", "1", "1", "0", "0", "1"]
    assert debates[11] == ["2026-05", "0", "1", "0", "0", "0"]
    assert debates[12] == ["2026-06", "1", "2", "1", "0", "0"]

    proposals = rows_of(client.get("/aurora/admin/dashboard/proposal.csv"))
    assert proposals[8] == ["2026-02", "1", "1", "0", "1", "0"]
    votes = rows_of(client.get("/aurora/admin/dashboard/votes.csv"))
    assert votes[0] == ["Month", "New", "Total", "Norte", "Sur", "No district"]
    assert votes[12] == ["2026-06", "2", "2", "0", "2", "0"]
    comments = rows_of(client.get("/aurora/admin/dashboard/comment.csv"))
    assert comments[0] == ["Month", "New", "Total"]
    assert comments[12] == ["2026-06", "1", "1"]


def test_page_shows_an_svg_chart_and_data_tables(app, client, make_user) -> None:
    known_dataset(app, make_user)
    login(client, "ana")
    response = client.get("/aurora/admin/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for key, label in (("accounts", "Accounts"), ("residents", "Verified residents"),
                       ("debate", "Debates"), ("proposal", "Proposals"),
                       ("comment", "Comments"), ("votes", "Supports and votes")):
        section = html.split(f'id="figure-{key}"', 1)[1].split("</section>", 1)[0]
        assert f"<h2 id=\"figure-{key}-title\">{label}</h2>" in section
        assert (f'<svg role="img" aria-labelledby="chart-{key}-title chart-{key}-desc"'
                in section)
        assert f'<title id="chart-{key}-title">{label}: new per month</title>' in section
        assert section.count("<rect ") == 12
        assert f"<caption>{label} per month</caption>" in section
        assert section.count('<th scope="row">') >= 12
        assert f'href="/aurora/admin/dashboard/{key}.csv"' in section
    debates = html.split('id="figure-debate"', 1)[1].split("</section>", 1)[0]
    assert "<caption>Debates by district</caption>" in debates
    assert '<th scope="row">Norte</th><td>1</td><td>1</td>' in debates
    assert '<th scope="row">No district</th><td>1</td><td>1</td>' in debates
    assert "June 2026: 1." in debates  # the chart's description reads its figures
    # The admin menu offers it to those who may see it.
    from decide.core.modules import registry

    entry = registry.get("dashboard").admin_menu[0]
    assert (entry.endpoint, entry.action) == ("dashboard.index", "dashboard.view")


def test_alliance_counts_member_cities_and_breaks_down_by_city(app, client,
                                                               make_user) -> None:
    make_user("sec", city="aurora", locale="en", roles=[("alliance", "pact", "secretariat")])
    make_user("bea", city="aurora", verified=True)
    make_user("dan", city="borealis", verified=True)
    make_user("eva", city="cenit", verified=True)  # not a member city
    joint = new_proposal(app, "bea", where="alliances/pact", title="Joint housing action")
    support(app, joint, "bea", where="alliances/pact")
    support(app, joint, "dan", where="alliances/pact")
    login(client, "sec")
    html = client.get("/alliances/pact/admin/dashboard").get_data(as_text=True)
    accounts = html.split('id="figure-accounts"', 1)[1].split("</section>", 1)[0]
    assert "<caption>Accounts by city</caption>" in accounts
    assert '<th scope="row">Aurora</th><td>2</td><td>2</td>' in accounts
    assert '<th scope="row">Borealis</th><td>1</td><td>1</td>' in accounts
    votes = rows_of(client.get("/alliances/pact/admin/dashboard/votes.csv"))
    assert votes[0] == ["Month", "New", "Total", "Aurora", "Borealis",
                        "Other or unknown city"]
    assert votes[12][1:] == ["2", "2", "1", "1", "0"]
    proposals = rows_of(client.get("/alliances/pact/admin/dashboard/proposal.csv"))
    assert proposals[12][1:] == ["1", "1", "1", "0", "0"]


def signed_in(app, username: str):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def test_who_may_see_the_dashboard(app, client, make_user) -> None:
    make_user("ana", roles=ADMIN)
    make_user("mod", roles=[("city", "aurora", "moderator")])
    make_user("plain")
    make_user("root", deployment_admin=True)
    assert client.get("/aurora/admin/dashboard").status_code == 302  # sign in first
    client = signed_in(app, "plain")
    assert client.get("/aurora/admin/dashboard").status_code == 403
    assert client.get("/aurora/admin/dashboard/accounts.csv").status_code == 403
    client = signed_in(app, "mod")
    assert client.get("/aurora/admin/dashboard").status_code == 403
    client = signed_in(app, "ana")
    assert client.get("/aurora/admin/dashboard").status_code == 200
    # Another space's administrator: refused there, and nothing of it is reachable here.
    assert client.get("/borealis/admin/dashboard").status_code == 403
    assert client.get("/borealis/admin/dashboard/accounts.csv").status_code == 403
    assert client.get("/alliances/pact/admin/dashboard").status_code == 403
    assert client.get("/nowhere/admin/dashboard").status_code == 404
    assert client.get("/aurora/admin/dashboard/nothing.csv").status_code == 404
    client = signed_in(app, "root")
    assert client.get("/borealis/admin/dashboard").status_code == 200
    # Cenit does not enable proposals: no such figure there.
    assert client.get("/cenit/admin/dashboard/proposal.csv").status_code == 404
    assert client.get("/cenit/admin/dashboard/debate.csv").status_code == 200


def test_other_spaces_are_never_counted(app, client, make_user) -> None:
    make_user("ana", roles=ADMIN, locale="en")
    make_user("dan", city="borealis", verified=True)
    for n in range(3):
        new_debate(app, "dan", where="borealis", title=f"Borealis debate {n}")
    login(client, "ana")
    debates = rows_of(client.get("/aurora/admin/dashboard/debate.csv"))
    assert all(row[1] == "0" and row[2] == "0" for row in debates[1:])
    accounts = rows_of(client.get("/aurora/admin/dashboard/accounts.csv"))
    assert accounts[-1][2] == "1"  # ana only


def test_csv_cells_cannot_start_formulas(app, client, make_user) -> None:
    from decide.cities.models import Geozone

    make_user("ana", roles=ADMIN, locale="en")
    with app.app_context():
        zone = db.session.scalar(select(Geozone).where(Geozone.slug == "norte"))
        zone.name = "=HYPERLINK(\"http://evil.example\")"
        db.session.commit()
    login(client, "ana")
    header = rows_of(client.get("/aurora/admin/dashboard/debate.csv"))[0]
    assert header[3] == "'=HYPERLINK(\"http://evil.example\")"


def test_texts_are_translated(app, client, make_user) -> None:
    make_user("ana", roles=ADMIN, locale="es")
    login(client, "ana")
    html = client.get("/aurora/admin/dashboard").get_data(as_text=True)
    assert '<h2 id="figure-residents-title">Residentes verificados</h2>' in html
    assert '<th scope="col">Distrito</th>' in html
    assert "Administración de Aurora" in html
    header = rows_of(client.get("/aurora/admin/dashboard/debate.csv"))[0]
    assert header[3:5] == ["Norte", "Sur"] and len(header) == 6


def _count(client, count_queries, url: str) -> int:
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_queries_do_not_grow_with_the_data(app, client, make_user, count_queries) -> None:
    known_dataset(app, make_user)
    login(client, "ana")
    urls = ["/aurora/admin/dashboard", "/aurora/admin/dashboard/votes.csv",
            "/aurora/admin/dashboard/debate.csv"]
    small = [_count(client, count_queries, url) for url in urls]
    for n in range(12):
        make_user(f"user{n}", city="aurora", verified=True)
    for n in range(8):
        debate = new_debate(app, f"user{n}", title=f"More debate {n}")
        new_comment(app, debate, f"user{n + 1}")
        proposal = new_proposal(app, f"user{n}", title=f"More proposal {n}")
        support(app, proposal, f"user{n}")
    login(client, "ana")
    large = [_count(client, count_queries, url) for url in urls]
    assert large == small
    # One GROUP BY query per figure on the page (plus the space, the person and the names).
    # The page: one GROUP BY query per figure, and what every page reads (the session, the
    # person, the space, the layout's needs).
    with app.app_context():
        from decide.dashboard.figures import figures_for

        figures = len(figures_for(space("aurora")))
    assert small[0] <= figures + 8
