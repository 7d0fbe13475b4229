"""Pages that belong to no space: the landing page, language switch, legal texts, dev mailbox."""
