"""Translatable author text: readers get the title and body in their language when someone
translated it and the author or a moderator accepted the translation."""
