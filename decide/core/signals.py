"""Domain events that let modules react to each other without importing each other's views.

Senders fire after their transaction commits; receivers must not assume a request context.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: any module's target (a debate, a proposal...), just created or edited (committed).
content_created = _signals.signal("content-created")
content_updated = _signals.signal("content-updated")
# sender: any hideable target, just hidden or restored by a moderator (committed).
content_hidden = _signals.signal("content-hidden")
content_restored = _signals.signal("content-restored")
