"""Pages that belong to no space: the landing page, language switch, legal texts, dev mailbox;
and the static pages (terms, privacy, accessibility, FAQ) of each space and the deployment."""
