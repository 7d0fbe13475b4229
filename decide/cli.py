"""The `decide` command (also `flask --app decide ...`)."""

from __future__ import annotations

import functools
import ipaddress
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import force_locale
from werkzeug.serving import run_simple

from decide.config import DEFAULT_CONFIG_DIR, SettingsError, load_settings

# Exit status for a configuration mistake (as for a usage error).
CONFIG_ERROR_STATUS = 2


def in_english(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command with English messages: the CLI speaks one language, whatever the
    deployment's default locale (DomainError messages are translated)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with force_locale("en"):
            return command(*args, **kwargs)

    return wrapper


def _config_dirs() -> tuple[Path, Path]:
    cities = current_app.config.get("CITIES_DIR") or DEFAULT_CONFIG_DIR / "cities"
    alliances = current_app.config.get("ALLIANCES_DIR") or DEFAULT_CONFIG_DIR / "alliances"
    return Path(cities), Path(alliances)


def upgrade_database() -> None:
    from flask_migrate import upgrade

    upgrade()


def load_spaces(retire_missing: bool = False) -> str:
    """Load the city and alliance files; the summary says what happened to every space."""
    from decide.cities.services import load_config

    report = load_config(*_config_dirs(), retire_missing=retire_missing)
    lines = [f"{label}: no file; kept, not updated" for label in report.without_file]
    lines += [f"{label}: no file; retired (removed, it held no content)"
              for label in report.retired]
    lines += [f"{label}: file ignored; the space was created in the browser"
              for label in report.browser_managed]
    summary = (f"spaces: {report.created} created, {report.updated} updated, "
               f"{report.unchanged} unchanged")
    if report.without_file:
        summary += (f", {len(report.without_file)} without a file (kept; "
                    "`decide config load --retire-missing` removes them)")
    if report.retired:
        summary += f", {len(report.retired)} retired"
    return "\n".join([*lines, summary])


config_group = click.Group("config", help="Deployment configuration.")


@config_group.command("load")
@click.option("--retire-missing", is_flag=True,
              help="Remove spaces whose file was deleted; refused for a space with content.")
@with_appcontext
@in_english
def config_load(retire_missing: bool) -> None:
    """Load the cities/*.toml and alliances/*.toml files into the database (idempotent)."""
    from decide.cities.services import ConfigError

    click.echo(f"configuration: {_config_dirs()[0].parent}")
    try:
        click.echo(load_spaces(retire_missing))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


users_group = click.Group("users", help="Manage accounts.")


def _user_or_fail(email: str):  # noqa: ANN202 - returns a User
    from decide.accounts.services import find_by_email

    user = find_by_email(email)
    if user is None or user.is_deleted:
        raise click.ClickException(f"no account with e-mail {email}")
    return user


def _space_or_fail(slug: str):  # noqa: ANN202 - returns a Space
    from decide.cities.queries import space_by_slug

    kind, _, name = slug.rpartition("/")
    kind = "alliance" if kind in ("alliance", "alliances") else "city"
    space = space_by_slug(kind, name)
    if space is None:
        raise click.ClickException(
            f"no city called {slug!r} (alliances are written alliances/<slug>)")
    return space


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--username", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True,
              confirmation_prompt=True)
@click.option("--locale", default="es", type=click.Choice(["es", "en", "pt_BR"]))
@click.option("--city", "city_slug", default=None, help="Home city slug.")
@click.option("--organisation", default=None, help="Create an organisation with this name.")
@click.option("--role", default=None,
              type=click.Choice(["administrator", "moderator", "valuator", "official",
                                 "secretariat", "deployment-admin"]))
@click.option("--space", "space_slug", default=None,
              help="City slug, or alliances/<slug>, where the role is held.")
@click.option("--position", default=None, help="Public official's position.")
@click.option("--level", default=None, type=click.IntRange(1, 5), help="Official's level.")
@with_appcontext
@in_english
def users_create(email: str, username: str, password: str, locale: str, city_slug: str | None,
                 organisation: str | None, role: str | None, space_slug: str | None,
                 position: str | None, level: int | None) -> None:
    """Create a confirmed account, optionally with a role in a space."""
    from email_validator import EmailNotValidError, validate_email

    from decide.accounts import services
    from decide.cities.queries import city_by_slug
    from decide.core.errors import DomainError
    from decide.extensions import db

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise click.ClickException(f"--email {email!r} is not an e-mail address: {exc}") from exc
    home_city = None
    if city_slug:
        home_city = city_by_slug(city_slug)
        if home_city is None:
            raise click.ClickException(f"no city called {city_slug!r}")
    if role and role != "deployment-admin" and not space_slug:
        raise click.ClickException("--role needs --space")
    space = _space_or_fail(space_slug) if space_slug else None
    try:
        user = services.register(
            username=username, email=email, password=password, locale=locale,
            home_city=home_city, kind="organisation" if organisation else "person",
            organisation_name=organisation, confirmed=True,
        )
        if role == "deployment-admin":
            user.is_deployment_admin = True
            db.session.commit()
        elif role and space is not None:
            services.grant_role(user, space, role, position, level)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"created {user.username} <{user.email}>" + (f" as {role}" if role else ""))


@users_group.command("confirm")
@click.argument("email")
@with_appcontext
@in_english
def users_confirm(email: str) -> None:
    """Mark an account's e-mail as confirmed."""
    from decide.core.db import utcnow
    from decide.extensions import db

    user = _user_or_fail(email)
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
        db.session.commit()
    click.echo(f"confirmed {user.email}")


@users_group.command("verify")
@click.argument("email")
@click.option("--city", "city_slug", required=True, help="City of verified residence.")
@click.option("--move", is_flag=True,
              help="Move an existing verified residence to this city.")
@with_appcontext
@in_english
def users_verify(email: str, city_slug: str, move: bool) -> None:
    """Record a verified residence in a city (one city per person).

    A person verified in another city keeps that residence unless --move is given: then they
    become eligible in the new city (and its alliances) and stop being eligible in the old one.
    """
    from decide.accounts import services
    from decide.cities.queries import city_by_slug
    from decide.core.errors import DomainError

    user = _user_or_fail(email)
    city = city_by_slug(city_slug)
    if city is None:
        raise click.ClickException(f"no city called {city_slug!r}")
    previous = user.residence.city.slug if user.residence is not None else None
    if previous not in (None, city.slug) and not move:
        raise click.ClickException(
            f"{user.email} is a verified resident of {previous}; add --move to move the "
            f"residence to {city.slug} (they would stop supporting and voting as a resident "
            f"of {previous} and its alliances)")
    try:
        services.set_residence(user, city, method="cli")
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    moved = f" (moved from {previous})" if previous not in (None, city.slug) else ""
    click.echo(f"{user.email} is a verified resident of {city.slug}{moved}")


@users_group.command("grant")
@click.argument("email")
@click.option("--role", required=True,
              type=click.Choice(["administrator", "moderator", "valuator", "official",
                                 "secretariat"]))
@click.option("--space", "space_slug", required=True)
@click.option("--position", default=None)
@click.option("--level", default=None, type=click.IntRange(1, 5))
@with_appcontext
@in_english
def users_grant(email: str, role: str, space_slug: str, position: str | None,
                level: int | None) -> None:
    """Give an existing account a role in a space."""
    from decide.accounts import services
    from decide.core.errors import DomainError

    user = _user_or_fail(email)
    try:
        services.grant_role(user, _space_or_fail(space_slug), role, position, level)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"{user.email} is {role} in {space_slug}")


def _served_address(host: str, port: int) -> str:
    """The address people open: a wildcard host (0.0.0.0, ::) is shown as the machine's name."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    elif ":" in host:
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"http://{host}:{port}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _use_served_address(app: Flask, host: str, port: int) -> str:
    """E-mails link to where the site is served (with the port) unless BASE_URL is set."""
    if not app.config.get("BASE_URL"):
        app.config["BASE_URL"] = _served_address(host, port)
    return app.config["BASE_URL"]


def insecure_cookie_warning(app: Flask, host: str) -> str | None:
    """The one-line warning for secure-only cookies served over plain HTTP to a network."""
    if not app.config.get("SESSION_COOKIE_SECURE") or _is_loopback(host):
        return None
    return ("warning: serving plain HTTP on the network with DECIDE_SESSION_COOKIE_SECURE=true:"
            " browsers will not send the session cookie back, so signing in fails with "
            "\"Your form expired\". Serve behind HTTPS, or set "
            "DECIDE_SESSION_COOKIE_SECURE=false for a trial on a private network.")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the database and stop.")
@with_appcontext
@in_english
def demo(host: str, port: int, no_serve: bool) -> None:
    """Create or upgrade the database, load configuration and demo data, then serve."""
    from decide.budgets.demo import load_demo_budgets
    from decide.cities.services import ConfigError
    from decide.demo import (
        DEMO_PASSWORD,
        load_demo_accounts,
        load_demo_debates,
        load_demo_proposals,
    )

    app = current_app._get_current_object()
    # Before any demo data: the e-mails it sends must link to the served address and port.
    base_url = _use_served_address(app, host, port)
    upgrade_database()
    try:
        click.echo(load_spaces())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    accounts = load_demo_accounts()
    debates = load_demo_debates()
    click.echo(f"demo debates: {debates} created")
    click.echo(f"demo proposals and joint actions: {load_demo_proposals()} created")
    click.echo(f"demo budgets: {load_demo_budgets()} created")
    click.echo("")
    click.echo("Demo accounts (sign in with the username or e-mail):")
    for demo_account, user in accounts:
        click.echo(f"  {user.username:<14} {demo_account.description}")
    click.echo(f"Demo password for all of them: {DEMO_PASSWORD}")
    click.echo(f"Database: {app.config['SQLALCHEMY_DATABASE_URI']}")
    if no_serve:
        return
    click.echo(f"Open {base_url}/   (mailbox: {base_url}/dev/mail)")
    # Plain HTTP on a developer's machine: secure-only cookies would never come back.
    app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    app.debug = True  # enables /dev/mail; the interactive debugger stays off
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Serve with the development server (use gunicorn in production)."""
    app = current_app._get_current_object()
    base_url = _use_served_address(app, host, port)
    warning = insecure_cookie_warning(app, host)
    if warning:
        click.secho(warning, err=True, fg="yellow")
    click.echo(f"Serving on {base_url}/ (links in e-mails use {app.config['BASE_URL']})")
    run_simple(host, port, app, threaded=True)


pabulib_group = click.Group("pabulib", help="Participatory-budget elections in PaBuLib .pb files.")


@pabulib_group.command("outcome")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rule", default=None,
              help="greedy, greedy-no-skip, greedy-threshold, equalshares, equalshares/add1 "
                   "or equalshares/add1-comparison (default: the file's META rule).")
def pabulib_outcome(file: Path, rule: str | None) -> None:
    """Print the projects FILE's election funds, one id per line (time on standard error)."""
    import time

    from decide.budgets import pabulib

    started = time.perf_counter()
    try:
        election = pabulib.read(file)
        read_seconds = time.perf_counter() - started
        funded = pabulib.outcome(election, rule)
    except (OSError, ValueError) as exc:  # PabulibError is a ValueError
        raise click.ClickException(f"{file}: {exc}") from None
    total = time.perf_counter() - started
    for project in funded:
        click.echo(project)
    click.echo(f"{rule or election.rule}: {len(funded)} projects in {total:.3f} s "
               f"(reading {read_seconds:.3f} s)", err=True)


def register_cli(app: Flask) -> None:
    from decide.benchdata import bench_group
    from decide.core.jobs import worker_command

    for command in (config_group, users_group, demo, serve, bench_group, worker_command,
                    pabulib_group):
        app.cli.add_command(command)


def main() -> None:
    """Entry point of the `decide` console script.

    A configuration mistake ends the command with one line and status 2, not a traceback.
    """
    from decide import create_app

    try:
        load_settings()  # also before --help, which would print a traceback
    except SettingsError as exc:
        click.echo(f"decide: {exc}", err=True)
        sys.exit(CONFIG_ERROR_STATUS)
    cli = FlaskGroup(create_app=create_app, add_version_option=False, load_dotenv=False,
                     set_debug_flag=False)
    try:
        status = cli.main(prog_name="decide", standalone_mode=True)
    except SettingsError as exc:
        click.echo(f"decide: {exc}", err=True)
        status = CONFIG_ERROR_STATUS
    sys.exit(status)
