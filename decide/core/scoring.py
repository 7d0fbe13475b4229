"""Ranking formulas, stored on rows and recomputed whenever a vote or comment changes them."""

from __future__ import annotations

import math
from datetime import UTC, datetime

# Seconds that make one unit of "hot": an item needs ten times the activity to outrank one
# whose last activity was 12.5 hours later.
HOT_TIME_UNIT = 45_000
HOT_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
WILSON_Z = 1.959964  # 95% confidence


def wilson_lower_bound(positive: int, negative: int) -> float:
    """Lower bound of the 95% Wilson score interval for the share of positive votes."""
    n = positive + negative
    if n == 0:
        return 0.0
    z2 = WILSON_Z * WILSON_Z
    p = positive / n
    centre = p + z2 / (2 * n)
    spread = WILSON_Z * math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)
    return (centre - spread) / (1 + z2 / n)


def hot_score(votes: int, comments: int, last_activity: datetime) -> float:
    """log10(1 + votes + 2·comments) + (last activity − 2020-01-01) / 45,000 s."""
    activity = math.log10(1 + max(votes, 0) + 2 * max(comments, 0))
    return activity + (last_activity - HOT_EPOCH).total_seconds() / HOT_TIME_UNIT
