"""Accounts: people and organisations, residence, roles per space."""
