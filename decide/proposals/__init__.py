"""Proposals: citizen proposals in a city, joint actions in an alliance; supports, thresholds,
success, endorsements by cities."""
