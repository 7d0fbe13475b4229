"""Moderation: flags on any module's content, and the queues where moderators decide on them.

Decisions, for the space's moderators and administrators (`can(user, "moderate", space)`):
- hide: the item disappears for everyone but moderators; its flags count as reviewed; the
  author is notified (kind "content_hidden") with the flags' reasons or the moderator's note,
  in the author's language;
- ignore flags: the flags are resolved, the item stays (it moves to the "Ignored" list);
- restore: hiding is reversible — any moderator or administrator of the space restores an
  item from the "Hidden" list or from its page; its flags count as reviewed;
- confirm: an automatic hiding (setting `auto_hide_flags`: N people's unresolved flags) stays
  and leaves the review list;
- block an author (after a confirmation page): all their content is hidden in every space,
  their roles are removed, their sessions end and signing in is refused (`AccountBlock`).
Every decision is written to the audit trail in the same transaction (automatic hidings with
no actor).
"""
