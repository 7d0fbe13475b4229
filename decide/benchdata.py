"""`decide bench generate`: fill a space with many debates, comments and votes, fast.

Rows go in with bulk INSERTs in batches (not through the services, which would take hours
for 100,000 debates); counters, scores, paths and search documents are computed here the way
the services compute them, so pages behave as with real data.
"""

from __future__ import annotations

import random
from datetime import timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text

from decide.accounts.models import User
from decide.accounts.passwords import hash_password
from decide.cities.queries import space_by_slug
from decide.comments.models import PATH_WIDTH, Comment
from decide.core.db import sync_id_sequence, utcnow
from decide.core.scoring import hot_score, wilson_lower_bound
from decide.debates.models import Debate
from decide.extensions import db
from decide.search.models import SearchDocument
from decide.search.text import normalise

BATCH = 5_000
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


def _users(count: int, rng: random.Random) -> list[int]:
    existing = db.session.scalar(select(func.count(User.id))) or 0
    password = hash_password("bench-password-2026")
    now = utcnow()
    rows = [{"username": f"bench{existing + n}", "email": f"bench{existing + n}@bench.invalid",
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
@click.option("--users", default=500, show_default=True)
@click.option("--seed", default=2026, show_default=True)
@with_appcontext
def generate(space_slug: str, debates: int, comments: int, comments_per_debate: int,
             users: int, seed: int) -> None:
    """Add DEBATES debates with comments to a space (run `decide config load` first)."""
    rng = random.Random(seed)
    kind, _, slug = space_slug.rpartition("/")
    space = space_by_slug("alliance" if kind == "alliances" else "city", slug)
    if space is None:
        raise click.ClickException(f"no space {space_slug!r}: run `decide config load` first")
    author_ids = _users(users, rng)
    db.session.commit()
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
    click.echo(f"{debates} debates and {total} comments added to {space_slug}; "
               f"the big thread is /{space_slug}/debates/{first_debate}")
