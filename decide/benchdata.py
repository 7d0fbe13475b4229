"""`decide bench generate`: fill a space with many debates, comments and votes, or
proposals, supports and verified residents, fast.

Rows go in with bulk INSERTs in batches (not through the services, which would take hours
for 100,000 debates); counters, scores, paths and search documents are computed here the way
the services compute them, so pages behave as with real data. Millions of supports go in
with COPY on PostgreSQL.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text, update

from decide.accounts.models import Residence, User
from decide.accounts.passwords import hash_password
from decide.cities.models import Space
from decide.cities.queries import space_by_slug
from decide.comments.models import PATH_WIDTH, Comment
from decide.core import counts as space_counts
from decide.core import versions
from decide.core.db import sync_id_sequence, utcnow
from decide.core.scoring import hot_score, wilson_lower_bound
from decide.debates.models import Debate
from decide.extensions import db
from decide.proposals.models import Proposal, ProposalSupport
from decide.search.models import SearchDocument
from decide.search.text import normalise

BATCH = 5_000
# What `bench/supports.py` signs in with: residents are `benchres<n>`, this password.
RESIDENT_PREFIX = "benchres"
BENCH_PASSWORD = "bench-password-2026"
WORDS = ("plaza", "parque", "vivienda", "bicicleta", "barrio", "árboles", "mercado",
         "escuela", "clima", "agua", "transporte", "cultura", "participación", "energía",
         "alquiler", "huerta", "biblioteca", "seguridad", "ruido", "calle")


SYLLABLES = ("ba", "ca", "da", "fe", "go", "la", "mi", "no", "pe", "ra", "so", "ti", "vu",
             "cor", "del", "man", "ter", "vis", "que", "llo")
# Pseudo-words give text a realistic spread: a real word appears in a few percent of debates.
FILLER = tuple(a + b + c for a in SYLLABLES for b in SYLLABLES for c in ("", "n", "s", "r"))


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) if rng.random() < 0.08 else rng.choice(FILLER)
                    for _ in range(words)).capitalize()


def _users(count: int, rng: random.Random, prefix: str = "bench") -> list[int]:
    existing = db.session.scalar(select(func.count(User.id))) or 0
    password = hash_password(BENCH_PASSWORD)
    now = utcnow()
    rows = [{"username": f"{prefix}{existing + n}",
             "email": f"{prefix}{existing + n}@bench.invalid",
             "password_hash": password, "kind": "person", "locale": "es",
             "confirmed_at": now, "terms_accepted_at": now, "is_deployment_admin": False,
             "session_token": f"{rng.getrandbits(64):016x}", "email_opt_outs": [],
             "created_at": now, "updated_at": now} for n in range(count)]
    db.session.execute(insert(User), rows)
    return list(db.session.scalars(select(User.id).order_by(User.id.desc()).limit(count)))


def _index(space_id: int, first_id: int, last_id: int) -> None:
    """Search documents for the debates with ids in [first_id, last_id]."""
    debates = db.session.execute(select(Debate.id, Debate.title, Debate.description).where(
        Debate.id.between(first_id, last_id))).all()
    now = utcnow()
    db.session.execute(insert(SearchDocument), [
        {"space_id": space_id, "target_type": "debate", "target_id": d.id, "locale": "es",
         "content": normalise(d.title) + "\n" + normalise(d.description), "updated_at": now}
        for d in debates])
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(
            "UPDATE search_documents SET search_vector = to_tsvector('spanish', content) "
            "WHERE target_type = 'debate' AND target_id BETWEEN :a AND :b"),
            {"a": first_id, "b": last_id})


def _residents(space: Space, count: int, rng: random.Random) -> list[int]:
    """`count` accounts with a verified residence in the city (and it as their home city)."""
    if space.is_alliance:
        raise click.ClickException("--residents needs a city: residents live in cities")
    ids = _users(count, rng, prefix=RESIDENT_PREFIX)
    now = utcnow()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        db.session.execute(insert(Residence), [
            {"user_id": user_id, "city_id": space.id, "verified_at": now, "method": "bench"}
            for user_id in chunk])
        db.session.execute(update(User).where(User.id.in_(chunk)).values(home_city_id=space.id))
    db.session.commit()
    return ids


def _copy_supports(rows: list[tuple[int, int, datetime]]) -> None:
    """Support rows (proposal, person, when): COPY on PostgreSQL, INSERT batches elsewhere."""
    if db.session.get_bind().dialect.name == "postgresql":
        driver = db.session.connection().connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(
                "COPY proposal_supports (proposal_id, user_id, value, created_at) "
                "FROM STDIN") as copy:
            for proposal_id, user_id, created_at in rows:
                copy.write_row((proposal_id, user_id, 1, created_at))
        return
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(ProposalSupport), [
            {"proposal_id": proposal_id, "user_id": user_id, "value": 1,
             "created_at": created_at}
            for proposal_id, user_id, created_at in rows[start:start + BATCH]])


def _index_proposals(space_id: int, first_id: int, last_id: int) -> None:
    """Search documents as services._index writes them: title and code, then the text."""
    proposals = db.session.execute(
        select(Proposal.id, Proposal.title, Proposal.code, Proposal.summary,
               Proposal.description).where(Proposal.id.between(first_id, last_id))).all()
    now = utcnow()
    db.session.execute(insert(SearchDocument), [
        {"space_id": space_id, "target_type": "proposal", "target_id": p.id, "locale": "es",
         "content": normalise(f"{p.title} {p.code}") + "\n"
         + normalise(f"{p.summary}\n{p.description}"), "updated_at": now}
        for p in proposals])
    if db.session.get_bind().dialect.name == "postgresql":
        # The title weighted A, the text B, each stemmed and unstemmed (as _weighted_vector).
        db.session.execute(text(
            "UPDATE search_documents SET search_vector = "
            "setweight(to_tsvector('spanish', split_part(content, E'\\n', 1)) "
            "|| to_tsvector('simple', split_part(content, E'\\n', 1)), 'A') "
            "|| setweight(to_tsvector('spanish', substr(content, strpos(content, E'\\n') + 1)) "
            "|| to_tsvector('simple', substr(content, strpos(content, E'\\n') + 1)), 'B') "
            "WHERE target_type = 'proposal' AND target_id BETWEEN :a AND :b"),
            {"a": first_id, "b": last_id})


def _spread(total: int, weights: list[float], cap: int) -> list[int]:
    """`total` split in proportion to `weights`, at most `cap` each (one person, one support):
    what the capped ones cannot take goes to the others."""
    counts = [0] * len(weights)
    remaining, uncapped = total, list(range(len(weights)))
    while remaining > 0 and uncapped:
        share = sum(weights[i] for i in uncapped)
        given = 0
        for i in uncapped:
            add = min(cap - counts[i], int(remaining * weights[i] / share))
            counts[i] += add
            given += add
        if given == 0:  # what rounding left: one more each
            for i in uncapped[:remaining]:
                counts[i] += 1
                given += 1
        remaining -= given
        uncapped = [i for i in uncapped if counts[i] < cap]
    return counts


def _proposals(space: Space, count: int, supports: int, supporter_ids: list[int],
               rng: random.Random) -> int:
    """`count` published proposals, open (published within the archive period), with about
    `supports` supports from `supporter_ids`, few proposals having many (a Pareto spread).
    Counters, successful_at, hot scores and codes are what the services would have written."""
    from decide.proposals.queries import city_threshold

    threshold = city_threshold(space) if not space.is_alliance else 0
    open_days = max(1, 30 * space.setting("months_to_archive") - 10)
    counts = _spread(supports, [rng.paretovariate(1.3) for _ in range(count)],
                     len(supporter_ids))
    prefix = space.slug.upper().replace("-", "")[:16]
    now = utcnow()
    first_id = (db.session.scalar(select(func.max(Proposal.id))) or 0) + 1
    total = 0
    with click.progressbar(range(0, count, BATCH), label="proposals") as batches:
        for start in batches:
            rows, supports_rows = [], []
            for n in range(start, min(start + BATCH, count)):
                proposal_id = first_id + n
                published = now - timedelta(minutes=rng.randint(60, 60 * 24 * open_days))
                activity = published + (now - published) * rng.random()
                supported = counts[n]
                rows.append({
                    "id": proposal_id, "space_id": space.id,
                    "author_id": rng.choice(supporter_ids),
                    "code": f"{prefix}-{published:%Y-%m}-{proposal_id}",
                    "title": f"{_sentence(rng, 4)} {n}"[:80], "summary": _sentence(rng, 15),
                    "description": _sentence(rng, 40),
                    "description_html": f"<p>{_sentence(rng, 40)}</p>", "locale": "es",
                    "published_at": published, "supports_count": supported,
                    "comments_count": 0, "flags_count": 0,
                    "hot_score": hot_score(supported, 0, activity),
                    "last_activity_at": activity,
                    "successful_at": activity if threshold and supported >= threshold else None,
                    "created_at": published, "updated_at": activity})
                for user_id in rng.sample(supporter_ids, supported):
                    supports_rows.append((proposal_id, user_id, activity))
            db.session.execute(insert(Proposal), rows)
            # Bulk inserts bypass the session hook that keeps the space's totals.
            space_counts.bump(space.id, "proposals", len(rows))
            _copy_supports(supports_rows)
            total += len(supports_rows)
            _index_proposals(space.id, first_id + start, first_id + start + len(rows) - 1)
            db.session.commit()
    sync_id_sequence("proposals")
    db.session.commit()
    if total < supports:
        click.echo(f"{total} supports: at most {len(supporter_ids)} per proposal, raise "
                   f"--users for more")
    return total


@click.group("bench", help="Data for benchmarks.")
def bench_group() -> None:
    pass


@bench_group.command("generate")
@click.option("--space", "space_slug", default="madrid", show_default=True,
              help="City slug, or alliances/<slug>.")
@click.option("--debates", default=100_000, show_default=True)
@click.option("--comments", default=2_000, show_default=True,
              help="Comments on the first debate (threads of up to 8 levels).")
@click.option("--comments-per-debate", default=3, show_default=True,
              help="Comments on each of the other debates.")
@click.option("--users", default=500, show_default=True,
              help="Authors; they also give the generated supports.")
@click.option("--proposals", default=0, show_default=True, help="Published proposals.")
@click.option("--supports", default=0, show_default=True,
              help="Supports spread over the proposals (at most USERS per proposal).")
@click.option("--residents", default=0, show_default=True,
              help=f"Verified residents of the space ({RESIDENT_PREFIX}<n>, password "
                   f"{BENCH_PASSWORD!r}), with no supports: bench/supports.py signs them in.")
@click.option("--seed", default=2026, show_default=True)
@with_appcontext
def generate(space_slug: str, debates: int, comments: int, comments_per_debate: int,
             users: int, proposals: int, supports: int, residents: int, seed: int) -> None:
    """Add debates with comments, proposals with supports and verified residents to a space
    (run `decide config load` first)."""
    rng = random.Random(seed)
    kind, _, slug = space_slug.rpartition("/")
    space = space_by_slug("alliance" if kind == "alliances" else "city", slug)
    if space is None:
        raise click.ClickException(f"no space {space_slug!r}: run `decide config load` first")
    author_ids = _users(users, rng)
    db.session.commit()
    if residents:
        _residents(space, residents, rng)
    if proposals:
        added = _proposals(space, proposals, supports, author_ids, rng)
        click.echo(f"{proposals} proposals with {added} supports added to {space_slug}")
    if debates:
        _debates(space, space_slug, debates, comments, comments_per_debate, author_ids, rng)


def _debates(space: Space, space_slug: str, debates: int, comments: int,
             comments_per_debate: int, author_ids: list[int], rng: random.Random) -> None:
    now = utcnow()
    first_debate = (db.session.scalar(select(func.max(Debate.id))) or 0) + 1
    with click.progressbar(range(0, debates, BATCH), label="debates") as batches:
        for start in batches:
            rows = []
            for n in range(start, min(start + BATCH, debates)):
                agree, disagree = rng.randint(0, 300), rng.randint(0, 120)
                n_comments = comments if n == 0 else comments_per_debate
                activity = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
                title = f"{_sentence(rng, 4)} {n}"
                rows.append({
                    "space_id": space.id, "author_id": rng.choice(author_ids), "title": title,
                    "description": _sentence(rng, 30), "description_html":
                    f"<p>{_sentence(rng, 30)}</p>", "locale": "es", "votes_agree": agree,
                    "votes_disagree": disagree, "votes_unverified": 0,
                    "comments_count": n_comments, "flags_count": 0,
                    "hot_score": hot_score(agree + disagree, n_comments, activity),
                    "confidence_score": wilson_lower_bound(agree, disagree),
                    "last_activity_at": activity, "created_at": activity,
                    "updated_at": activity})
            db.session.execute(insert(Debate), rows)
            space_counts.bump(space.id, "debates", len(rows))
            first = first_debate + start
            _index(space.id, first, first + len(rows) - 1)
            db.session.commit()
    next_id = (db.session.scalar(select(func.max(Comment.id))) or 0) + 1
    plan = [(first_debate, comments)] + [
        (first_debate + n, comments_per_debate) for n in range(1, debates)]
    rows: list[dict] = []
    total = sum(count for _, count in plan)
    with click.progressbar(length=total, label="comments") as bar:
        for debate_id, count in plan:
            chain: list[dict] = []
            for n in range(count):
                if not chain or len(chain) >= 8 or rng.random() < 0.3:
                    chain = []
                    parent = None
                else:
                    parent = rng.choice(chain)
                path = str(next_id).zfill(PATH_WIDTH)
                row = {
                    "id": next_id, "space_id": space.id, "target_type": "debate",
                    "target_id": debate_id, "author_id": rng.choice(author_ids),
                    "parent_id": parent["id"] if parent else None,
                    "root_id": parent["root_id"] if parent else next_id,
                    "depth": parent["depth"] + 1 if parent else 0,
                    "path": f"{parent['path']}/{path}" if parent else path,
                    "body": _sentence(rng, 12), "body_html": f"<p>{_sentence(rng, 12)}</p>",
                    "votes_up": rng.randint(0, 20), "votes_down": rng.randint(0, 5),
                    "replies_count": 0, "flags_count": 0, "created_at": now - timedelta(
                        minutes=count - n), "updated_at": now}
                row["confidence_score"] = wilson_lower_bound(row["votes_up"], row["votes_down"])
                if parent:
                    parent["replies_count"] += 1
                chain.append(row)
                rows.append(row)
                next_id += 1
            if len(rows) >= BATCH:
                db.session.execute(insert(Comment), rows)
                db.session.commit()
                bar.update(len(rows))
                rows = []
        if rows:
            db.session.execute(insert(Comment), rows)
            bar.update(len(rows))
        sync_id_sequence("comments")
        db.session.commit()
    # COPY writes bypass the session: pages kept by a running server must not outlive them.
    versions.bump(db.session(), [versions.DEPLOYMENT])
    db.session.commit()
    click.echo(f"{debates} debates and {total} comments added to {space_slug}; "
               f"the big thread is /{space_slug}/debates/{first_debate}")
