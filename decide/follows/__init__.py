"""Follow and unfollow any target (debates now, proposals and budget projects next), to hear of
what happens to it."""
