"""Edit history: every edit of any module's item, who made it, when, and what changed."""
