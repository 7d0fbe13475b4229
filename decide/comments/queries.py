"""Reads for comments: a page of threads in a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from decide.accounts.queries import with_badges
from decide.cities.models import Space
from decide.comments.models import Comment, CommentVote
from decide.core.db import in_space
from decide.core.pagination import Page, paginate
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


def _ordered(statement: Select[Any], order: str) -> Select[Any]:
    return statement.order_by(*{
        "top": [Comment.confidence_score.desc(), Comment.created_at.desc()],
        "newest": [Comment.created_at.desc()],
        "oldest": [Comment.created_at.asc()],
    }[order], Comment.id.desc() if order != "oldest" else Comment.id.asc())


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


def _build(roots: list[Comment], max_depth: int) -> list[Thread]:
    threads = {r.id: Thread(r) for r in roots}
    top = [threads[r.id] for r in roots]
    for comment in _descendants(roots, max_depth):
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


def comment_page(space: Space, target_type: str, target_id: int, order: str,
                 page: int) -> Page:
    """A page of top-level comments of the target, each with its replies as a tree."""
    roots = _ordered(
        in_space(Comment, space).where(Comment.target_type == target_type,
                                       Comment.target_id == target_id,
                                       Comment.parent_id.is_(None),
                                       Comment.hidden_at.is_(None)),
        order).options(with_badges(Comment.author))
    result = paginate(roots, page, TOP_LEVEL_PER_PAGE)
    result.items = _build(result.items, VISIBLE_DEPTH)
    return result


def thread(space: Space, comment_id: int) -> Thread | None:
    """The thread under one comment (the "continue this thread" page)."""
    root = db.session.scalar(
        in_space(Comment, space).where(Comment.id == comment_id, Comment.hidden_at.is_(None))
        .options(with_badges(Comment.author)))
    if root is None:
        return None
    return _build([root], root.depth + VISIBLE_DEPTH)[0]


def votes_by(user: Any, comments: list[Comment]) -> dict[int, int]:
    """The person's vote (+1/-1) on each of the comments shown."""
    if user is None or not user.is_authenticated or not comments:
        return {}
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
