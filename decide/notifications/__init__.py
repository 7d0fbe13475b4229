"""In-app and e-mail notifications, folded per item, delivered through the jobs layer."""
