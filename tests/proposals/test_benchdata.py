"""`decide bench generate` for proposals: counters equal rows, residents can sign in and
support, and nothing else is added."""

from __future__ import annotations

from sqlalchemy import func, select

from decide.accounts.models import Residence, User
from decide.benchdata import BENCH_PASSWORD, RESIDENT_PREFIX
from decide.comments.models import Comment
from decide.debates.models import Debate
from decide.extensions import db
from decide.proposals.models import Proposal, ProposalSupport
from tests.proposals.helpers import new_proposal


def test_generate_proposals_supports_and_residents(app, client) -> None:
    result = app.test_cli_runner().invoke(args=[
        "bench", "generate", "--space", "aurora", "--debates", "0", "--users", "20",
        "--proposals", "50", "--supports", "700", "--residents", "3"])
    assert result.exit_code == 0, result.output
    assert "50 proposals with 700 supports" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(ProposalSupport.id))) == 700
        assert db.session.scalar(select(func.count(Debate.id))) == 0
        assert db.session.scalar(select(func.count(Comment.id))) == 0
        per_proposal = dict(db.session.execute(
            select(ProposalSupport.proposal_id, func.count()).group_by(
                ProposalSupport.proposal_id)).all())
        proposals = db.session.scalars(select(Proposal)).all()
        assert len(proposals) == 50
        assert all(p.supports_count == per_proposal.get(p.id, 0) <= 20 for p in proposals)
        assert len({p.code for p in proposals}) == 50
        residents = db.session.scalars(select(User).join(Residence).where(
            User.username.like(f"{RESIDENT_PREFIX}%"))).all()
        assert len(residents) == 3
        assert all(r.residence.city.slug == "aurora" for r in residents)
        resident, proposal_id = residents[0].username, proposals[0].id
        top = max(proposals, key=lambda p: (p.supports_count, p.id)).title
    # On PostgreSQL the id sequence moved past the generated ids: publishing still works.
    assert new_proposal(app, author=resident) > max(p.id for p in proposals)
    response = client.post("/accounts/login", data={"identifier": resident,
                                                    "password": BENCH_PASSWORD})
    assert response.status_code == 302
    assert client.post(f"/aurora/proposals/{proposal_id}/support").status_code == 303
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).supports_count == \
            per_proposal.get(proposal_id, 0) + 1
    listing = client.get("/aurora/proposals/?order=supports").get_data(as_text=True)
    assert top in listing
