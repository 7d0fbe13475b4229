"""Moderation: flags now; queues, hiding and blocking with the moderation issue."""
