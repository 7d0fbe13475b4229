"""Events of the proposals module, for other modules to react to."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the Proposal that just reached its threshold (committed).
proposal_succeeded = _signals.signal("proposal-succeeded")
