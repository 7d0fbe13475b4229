"""Comment forms; the length limit is the space's setting."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

REQUIRED = _l("This field is required.")


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), validators=[DataRequired(REQUIRED)])
    parent_id = HiddenField()
    as_role = SelectField(_l("Post as"), choices=[], validate_choice=False)

    def limit_length(self, maximum: int) -> CommentForm:
        self.body.validators = [DataRequired(REQUIRED), Length(max=maximum, message=_l(
            "Use at most %(max)d characters."))]
        self.body.description = _l("Up to %(n)d characters. **bold**, *italics*, lists and "
                                   "links work.", n=maximum)
        return self


class CommentVoteForm(FlaskForm):
    value = RadioField(choices=[("up", _l("Useful")), ("down", _l("Not useful"))],
                       validators=[DataRequired(REQUIRED)])


def build_comment_form(space: Any, user: Any) -> CommentForm:
    """The comment form for this space (its length limit) and person (roles to post as)."""
    from decide.accounts.models import ROLE_LABELS
    from decide.comments.permissions import posting_roles

    form = CommentForm().limit_length(space.setting("comment_max_length"))
    form.as_role.choices = [("", _l("Myself"))] + [
        (role, ROLE_LABELS[role]) for role in posting_roles(user, space)]
    return form
