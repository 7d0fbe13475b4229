"""Every model, imported in one place so the schema (and Alembic) always sees all of them."""

from decide.accounts.models import Residence, RoleAssignment, User
from decide.cities.models import Alliance, AllianceMembership, City, Geozone, Space
from decide.comments.models import Comment, CommentVote
from decide.debates.models import Debate, DebateRevision, DebateVote
from decide.moderation.models import Flag
from decide.notifications.models import Notification
from decide.search.models import SearchDocument
from decide.tags.models import Tag, Tagging

__all__ = [
    "Alliance", "AllianceMembership", "City", "Comment", "CommentVote", "Debate",
    "DebateRevision", "DebateVote", "Flag", "Geozone", "Notification", "Residence",
    "RoleAssignment", "SearchDocument", "Space", "Tag", "Tagging", "User",
]
