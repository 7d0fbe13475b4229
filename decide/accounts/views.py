"""Sign-up, confirmation, sign-in, passwords, the account page and public profiles."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from decide.accounts import queries, services, sessions
from decide.accounts.forms import (
    AccountForm,
    DeleteAccountForm,
    EmptyForm,
    ForgotPasswordForm,
    LoginForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    SignupForm,
)
from decide.accounts.tokens import TokenError
from decide.cities.queries import city_by_slug, city_choices
from decide.core.errors import DomainError
from decide.core.i18n import LOCALE_COOKIE, LOCALE_NAMES, current_locale, normalise_locale
from decide.core.ratelimit import rate_limited
from decide.core.urls import safe_next

bp = Blueprint("accounts", __name__)


def _with_cities(form: Any, blank: bool = True) -> Any:
    choices = city_choices()
    form.home_city.choices = ([("", _("I prefer not to say"))] if blank else []) + choices
    return form


def _form_error(form: Any, error: DomainError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def _token_message(error: TokenError) -> str:
    if error.reason == "expired":
        return _("This link has expired. Ask for a new one below.")
    return _("This link is not valid. It may have been used already or copied incompletely.")


# --- sign-up and confirmation -------------------------------------------------------------

def render_signup(form: SignupForm, status: int = 200) -> tuple[str, int]:
    return render_template("accounts/signup.html", form=form), status


@bp.route("/accounts/signup", methods=["GET", "POST"])
@rate_limited("RATELIMIT_SIGNUP")
def signup() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("pages.index"))
    form = _with_cities(SignupForm())
    if request.method == "GET":
        form.locale.data = current_locale()
    if not form.validate_on_submit():
        return render_signup(form, 400 if request.method == "POST" else 200)
    try:
        user = services.register(
            username=form.username.data,
            email=form.email.data,
            password=form.password.data,
            locale=form.locale.data,
            home_city=city_by_slug(form.home_city.data),
            kind=form.kind.data,
            organisation_name=(form.organisation_name.data or "").strip() or None,
        )
    except DomainError as error:
        _form_error(form, error)
        return render_signup(form, error.status)
    return render_template("accounts/check_email.html", email=user.email), 201


@bp.route("/accounts/confirm/<token>")
def confirm(token: str) -> Any:
    try:
        user = services.confirm_email(token)
    except TokenError as error:
        form = ResendConfirmationForm()
        return render_template("accounts/resend.html", form=form,
                               error=_token_message(error)), 400
    flash(_("Thank you, %(name)s: your e-mail is confirmed. You can now sign in.",
            name=user.username), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/accounts/confirm", methods=["GET", "POST"])
@rate_limited("RATELIMIT_PASSWORD_RESET")
def resend_confirmation() -> Any:
    form = ResendConfirmationForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("accounts/resend.html", form=form), status
    user = services.find_by_email(form.email.data)
    if user is not None and not user.is_confirmed and not user.is_deleted:
        services.send_confirmation(user)
    # The same answer whether or not the address has an account.
    return render_template("accounts/check_email.html", email=form.email.data.strip().lower())


# --- sign-in ------------------------------------------------------------------------------

def render_login(form: LoginForm, status: int = 200) -> tuple[str, int]:
    return render_template("accounts/login.html", form=form), status


@bp.route("/accounts/login", methods=["GET", "POST"])
@rate_limited("RATELIMIT_LOGIN")
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    if not form.validate_on_submit():
        return render_login(form, 400 if request.method == "POST" else 200)
    try:
        user = services.authenticate(form.identifier.data, form.password.data)
    except services.AccountLocked as locked:
        flash(locked.message, "error")
        page, status = render_login(form, locked.status)
        return page, status, {"Retry-After": str(locked.retry_after)}
    if user is None:
        flash(_("The e-mail, username or password is not correct."), "error")
        return render_login(form, 401)
    if not user.is_confirmed:
        flash(_("Please confirm your e-mail address first: follow the link we sent you. "
                "You can ask for a new link below."), "error")
        return redirect(url_for("accounts.resend_confirmation"))
    sessions.open_session(user, request.user_agent.string)
    login_user(user, remember=form.remember.data)
    flash(_("Welcome back, %(name)s.", name=user.display_name), "success")
    _keep_chosen_locale(user)
    return redirect(safe_next())


def _keep_chosen_locale(user: Any) -> None:
    """A language picked just before signing in wins over the one saved on the account, which
    takes it, and the person is told (in that language) rather than switched silently."""
    chosen = normalise_locale(request.cookies.get(LOCALE_COOKIE))
    if chosen is None or chosen == user.locale:
        return
    services.set_locale(user, chosen)
    with force_locale(chosen):
        flash(_("Your account's language is now %(language)s.", language=LOCALE_NAMES[chosen]),
              "info")


@bp.route("/accounts/logout", methods=["POST"])
def logout() -> Any:
    if current_user.is_authenticated and current_user.current_session is not None:
        # Ends the session on the server too: a copied session or remember-me cookie of this
        # browser loads nobody from now on.
        sessions.revoke(current_user.current_session)
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("pages.index"))


# --- passwords ----------------------------------------------------------------------------

@bp.route("/accounts/password/forgot", methods=["GET", "POST"])
@rate_limited("RATELIMIT_PASSWORD_RESET")
def forgot_password() -> Any:
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("accounts/forgot.html", form=form), status
    services.request_password_reset(form.email.data)
    return render_template("accounts/check_email.html", email=form.email.data.strip().lower(),
                           reset=True)


@bp.route("/accounts/password/reset/<token>", methods=["GET", "POST"])
@rate_limited("RATELIMIT_PASSWORD_RESET")
def reset_password(token: str) -> Any:
    try:
        services.user_for_reset_token(token)
    except TokenError as error:
        return render_template("accounts/forgot.html", form=ForgotPasswordForm(),
                               error=_token_message(error)), 400
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("accounts/reset.html", form=form, token=token), status
    try:
        services.reset_password(token, form.password.data)
    except DomainError as error:
        _form_error(form, error)
        return render_template("accounts/reset.html", form=form, token=token), 400
    flash(_("Your password has been changed. You can now sign in."), "success")
    return redirect(url_for("accounts.login"))


@bp.errorhandler(429)
def too_many_attempts(error: Exception) -> Any:
    """Keep the visitor on the form they were filling in, with what they typed."""
    message = _("Too many attempts. Please wait a few minutes and try again.")
    flash(message, "error")
    if request.endpoint == "accounts.login":
        return render_login(LoginForm(), 429)
    if request.endpoint == "accounts.signup":
        return render_signup(_with_cities(SignupForm()), 429)
    if request.endpoint == "accounts.forgot_password":
        return render_template("accounts/forgot.html", form=ForgotPasswordForm()), 429
    if request.endpoint == "accounts.resend_confirmation":
        return render_template("accounts/resend.html", form=ResendConfirmationForm()), 429
    if request.endpoint == "accounts.reset_password":
        token = (request.view_args or {}).get("token", "")
        return render_template("accounts/reset.html", form=ResetPasswordForm(), token=token), 429
    from decide.core.errors import render_error

    return render_error(429)


# --- the account page ---------------------------------------------------------------------

def render_account(form: AccountForm, status: int = 200) -> tuple[str, int]:
    return render_template("accounts/account.html", form=form,
                           sessions=sessions.active_sessions(current_user),
                           this_session=current_user.current_session,
                           session_form=EmptyForm()), status


@bp.route("/accounts/settings", methods=["GET", "POST"])
@login_required
def account() -> Any:
    form = _with_cities(AccountForm())
    if request.method == "GET":
        form.email.data = current_user.email
        form.locale.data = current_user.locale
        form.organisation_name.data = current_user.organisation_name
        form.home_city.data = current_user.home_city.slug if current_user.home_city else ""
    if not form.validate_on_submit():
        return render_account(form, 400 if request.method == "POST" else 200)
    try:
        email_changed = services.update_account(
            current_user,
            email=form.email.data,
            locale=form.locale.data,
            home_city=city_by_slug(form.home_city.data),
            organisation_name=(form.organisation_name.data or "").strip() or None,
            current_password=form.current_password.data or "",
            new_password=form.new_password.data or "",
        )
    except DomainError as error:
        _form_error(form, error)
        return render_account(form, error.status)
    if email_changed:
        flash(_("Saved. We sent a confirmation link to your new address."), "success")
    else:
        flash(_("Your account has been saved."), "success")
    if form.new_password.data:
        flash(_("Your password has been changed, and your other devices have been signed "
                "out."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/accounts/sessions/<session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: str) -> Any:
    """Sign out one other browser of this account."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    this = current_user.current_session
    if this is not None and session_id == this.id:
        # Ending this very browser is what "Sign out" is for.
        abort(400)
    if not sessions.revoke_session_of(current_user, session_id):
        abort(404)
    flash(_("That device has been signed out."), "success")
    return redirect(url_for("accounts.account") + "#sessions")


@bp.route("/accounts/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions() -> Any:
    """Sign out every browser of this account except this one."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    ended = sessions.revoke_all(current_user, keep=current_user.current_session)
    flash(ngettext("%(num)d other device has been signed out.",
                   "%(num)d other devices have been signed out.", ended), "success")
    return redirect(url_for("accounts.account") + "#sessions")


@bp.route("/accounts/export")
@login_required
def export() -> Response:
    data = services.export_personal_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition":
                 f'attachment; filename="decide-{current_user.username}.json"'},
    )


@bp.route("/accounts/delete", methods=["GET", "POST"])
@login_required
def delete() -> Any:
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("accounts/delete.html", form=form), status
    try:
        services.delete_account(current_user, form.password.data)
    except DomainError as error:
        _form_error(form, error)
        return render_template("accounts/delete.html", form=form), 403
    sessions.revoke_all(current_user)
    logout_user()
    flash(_("Your account has been deleted. What you wrote stays, signed by "
            "\"deleted user\"."), "success")
    return redirect(url_for("pages.index"))


# --- public profile -----------------------------------------------------------------------

@bp.route("/users/<username>")
def profile(username: str) -> Any:
    user = queries.public_profile(username)
    if user is None:
        abort(404)
    return render_template("accounts/profile.html", profile=user,
                           activity=queries.recent_activity(user))
