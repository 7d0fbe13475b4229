"""Reads for comments: a page of threads in a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import g, has_request_context
from sqlalchemy import and_, func, literal, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from decide.accounts.models import RoleAssignment, User
from decide.accounts.queries import with_badges
from decide.cities.models import Space
from decide.comments.models import Comment, CommentVote
from decide.core.db import in_space
from decide.core.pagination import Page
from decide.extensions import db

ORDERS = ("top", "newest", "oldest")
TOP_LEVEL_PER_PAGE = 10
REPLIES_PER_THREAD = 50  # shown under one top-level comment before "more replies"
VISIBLE_DEPTH = 5  # reply levels shown before "continue this thread"


@dataclass
class Thread:
    comment: Comment
    children: list[Thread] = field(default_factory=list)
    # Replies exist below what is shown (too deep or too many): link to the thread page.
    continues: bool = False


_ORDERINGS = {
    "top": lambda: [Comment.confidence_score.desc(), Comment.created_at.desc(),
                    Comment.id.desc()],
    "newest": lambda: [Comment.created_at.desc(), Comment.id.desc()],
    "oldest": lambda: [Comment.created_at.asc(), Comment.id.asc()],
}
# On flask.g: (reader's id, {comment id: their vote, 0 for none}) of the comments loaded.
_VOTES = "_comment_votes"


def _with_badges_joined() -> Any:
    """`with_badges` in the same statement: a page's few authors each hold few roles, so
    joining them costs less than another round trip."""
    return joinedload(Comment.author).joinedload(User.roles).joinedload(RoleAssignment.space)


def _descendants(roots: list[Comment], max_depth: int) -> list[Comment]:
    """Replies under each root (depth-first), at most REPLIES_PER_THREAD per root: one query
    for all roots whatever their size."""
    if not roots:
        return []
    conditions = [Comment.root_id.in_({r.root_id for r in roots}),
                  Comment.depth > min(r.depth for r in roots),
                  Comment.depth <= max_depth,
                  Comment.hidden_at.is_(None)]
    prefixes = [r.path + "/" for r in roots if r.depth > 0]
    if prefixes:  # a thread page rooted below the top level
        conditions.append(Comment.path.startswith(prefixes[0]))
    numbered = (
        select(Comment.id.label("cid"),
               func.row_number().over(partition_by=Comment.root_id,
                                      order_by=Comment.path).label("position"))
        .where(*conditions).subquery())
    return list(db.session.scalars(
        select(Comment)
        .join(numbered, numbered.c.cid == Comment.id)
        .where(numbered.c.position <= REPLIES_PER_THREAD)
        .order_by(Comment.path)
        .options(with_badges(Comment.author))).unique())


def _build(roots: list[Comment], replies: list[Comment]) -> list[Thread]:
    """Threads of `roots` from `replies` in path order (a reply whose parent is not shown,
    being hidden, is left out with everything under it)."""
    threads = {r.id: Thread(r) for r in roots}
    top = [threads[r.id] for r in roots]
    for comment in replies:
        parent = threads.get(comment.parent_id)
        if parent is None:
            continue
        node = Thread(comment)
        threads[comment.id] = node
        parent.children.append(node)
    # Direct replies not shown (too deep, or past the per-thread cap) continue on a thread page.
    for node in threads.values():
        node.continues = node.comment.replies_count > len(node.children)
    return top


def _viewer_id() -> int | None:
    """The signed-in reader's id, when there is a request with one."""
    if not has_request_context():
        return None
    from flask_login import current_user

    return current_user.id if current_user.is_authenticated else None


def _remember_votes(user_id: int, votes: dict[int, int]) -> None:
    """Keep the reader's votes (0: none) on the comments a page loaded, for `votes_by`."""
    known = g.get(_VOTES)
    if known is None or known[0] != user_id:
        known = (user_id, {})
        setattr(g, _VOTES, known)
    known[1].update(votes)


def comment_page(space: Space, target_type: str, target_id: int, order: str,
                 page: int) -> Page:
    """A page of top-level comments of the target, each with its replies as a tree.

    One statement whatever the thread's size: the page's roots (a CTE with their rank), up to
    REPLIES_PER_THREAD replies under each down to VISIBLE_DEPTH, their authors with badges,
    how many top-level comments there are, and the signed-in reader's vote on each comment
    (kept on `g` so that `votes_by` needs no query)."""
    top_level = (Comment.space_id == space.id, Comment.target_type == target_type,
                 Comment.target_id == target_id, Comment.parent_id.is_(None),
                 Comment.hidden_at.is_(None))
    ordering = _ORDERINGS[order]()
    page_roots = (
        select(Comment.id.label("id"), func.row_number().over(order_by=ordering).label("rank"))
        .where(*top_level).order_by(*ordering)
        .limit(TOP_LEVEL_PER_PAGE).offset((page - 1) * TOP_LEVEL_PER_PAGE)
        .cte("page_roots"))
    numbered = (
        select(Comment.id.label("cid"),
               func.row_number().over(partition_by=Comment.root_id,
                                      order_by=Comment.path).label("position"))
        .where(Comment.root_id.in_(select(page_roots.c.id)), Comment.depth > 0,
               Comment.depth <= VISIBLE_DEPTH, Comment.hidden_at.is_(None))
        .subquery())
    total = select(func.count()).select_from(Comment).where(*top_level).scalar_subquery()
    viewer = _viewer_id()
    vote = CommentVote.value if viewer is not None else literal(None)
    statement = (
        select(Comment, page_roots.c.rank, total.label("total"), vote)
        .outerjoin(page_roots, page_roots.c.id == Comment.id)
        .where(Comment.id.in_(union_all(
            select(page_roots.c.id),
            select(numbered.c.cid).where(numbered.c.position <= REPLIES_PER_THREAD))))
        .order_by(Comment.path)
        .options(_with_badges_joined()))
    if viewer is not None:
        statement = statement.outerjoin(CommentVote, and_(CommentVote.comment_id == Comment.id,
                                                          CommentVote.user_id == viewer))
    rows = db.session.execute(statement).unique().all()
    ranked = sorted(((rank, c) for c, rank, _, _ in rows if rank is not None),
                    key=lambda pair: pair[0])
    replies = [c for c, rank, _, _ in rows if rank is None]
    if rows:
        count = int(rows[0][2])
    elif page == 1:
        count = 0
    else:  # past the last page: how many there are still shows in the pager
        count = db.session.scalar(select(func.count()).select_from(Comment)
                                  .where(*top_level)) or 0
    if viewer is not None:
        _remember_votes(viewer, {c.id: value or 0 for c, _, _, value in rows})
    return Page(items=_build([c for _, c in ranked], replies), total=count, page=page,
                per_page=TOP_LEVEL_PER_PAGE)


def thread(space: Space, comment_id: int) -> Thread | None:
    """The thread under one comment (the "continue this thread" page)."""
    root = db.session.scalar(
        in_space(Comment, space).where(Comment.id == comment_id, Comment.hidden_at.is_(None))
        .options(with_badges(Comment.author)))
    if root is None:
        return None
    return _build([root], _descendants([root], root.depth + VISIBLE_DEPTH))[0]


def votes_by(user: Any, comments: list[Comment]) -> dict[int, int]:
    """The person's vote (+1/-1) on each of the comments shown."""
    if user is None or not user.is_authenticated or not comments:
        return {}
    known = g.get(_VOTES)
    if known is not None and known[0] == user.id and all(c.id in known[1] for c in comments):
        return {c.id: known[1][c.id] for c in comments if known[1][c.id]}
    return dict(db.session.execute(
        select(CommentVote.comment_id, CommentVote.value).where(
            CommentVote.user_id == user.id,
            CommentVote.comment_id.in_([c.id for c in comments]))).all())


def flatten(threads: list[Thread]) -> list[Comment]:
    out: list[Comment] = []
    stack = list(threads)
    while stack:
        node = stack.pop()
        out.append(node.comment)
        stack.extend(node.children)
    return out


def comment_in_space(space: Space, comment_id: int) -> Comment | None:
    return db.session.scalar(in_space(Comment, space).where(Comment.id == comment_id)
                             .options(selectinload(Comment.author)))
