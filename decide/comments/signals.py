"""Events of the comments module, for the shared behaviours that react to them."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the Comment, just committed. Receivers must not assume a request context.
comment_created = _signals.signal("comment-created")
