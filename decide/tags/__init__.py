"""Free tags per space, attachable to debates now and proposals later."""
