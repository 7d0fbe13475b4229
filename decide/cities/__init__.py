"""Spaces: cities, alliances of cities, their members, geozones and settings."""
