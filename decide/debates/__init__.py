"""Debates: open conversations in a city or alliance space, with agree/disagree votes."""
