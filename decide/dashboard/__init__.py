"""The participation dashboard of each space: figures over time, breakdowns and CSV."""
