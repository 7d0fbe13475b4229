"""Domain events that let modules react to each other without importing each other's views.

Senders fire after their transaction commits; receivers must not assume a request context.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the Comment, just committed.
comment_created = _signals.signal("comment-created")
# sender: the Debate, just committed.
debate_created = _signals.signal("debate-created")
debate_updated = _signals.signal("debate-updated")
