"""Threaded comments with votes, attachable to any registered target (debates, proposals...)."""
