"""Module declarations: each module states once, in its own package, what it adds to Decide.

A module's `module.py` builds one `Module` (its blueprint, models, targets, settings, permission
actions, home-page section, search, personal data, notification kinds, admin menu...). The app
factory imports the modules named in its one explicit list and registers each declaration here;
`core` and the shared modules (comments, notifications, search, moderation, admin) read the
registry and never name a module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask

from decide.core.permissions import Rule
from decide.core.settings import SettingSpec, register_settings


@dataclass(frozen=True)
class Target:
    """Something comments, flags, votes and follows attach to, by a short type name."""

    name: str
    model: type
    # The page that shows an object (a comment links to its place on its target's page).
    url: Callable[[Any], str]
    # Renders the object's page with a comment form in error (what the person typed stays).
    page: Callable[..., Any] | None = None
    # Called inside the comment's transaction when the object gets a comment (counters).
    on_comment: Callable[[Any], None] | None = None
    # Notification kind for the object's author when it gets a top-level comment.
    comment_notification: str | None = None
    # Author text readers may translate: field name -> "text" (plain) or "markdown".
    translatable: dict[str, str] = field(default_factory=dict)
    # What a list of these objects is called ("Budget projects"); the module's label if empty.
    label: Any = ""


@dataclass(frozen=True)
class HomeSection:
    """The module's part of a space's home page: `template` rendered with `context(space)`."""

    template: str
    context: Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class SearchProvider:
    """`find(space, query, limit) -> (items, total)`, shown with `template` on the search page."""

    find: Callable[[Any, str, int], tuple[list[Any], int]]
    template: str


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification a module raises; `label` names it on the preferences page."""

    name: str
    label: Any
    # (count, actor name, item title) -> the centre's line and the e-mail's subject, e.g.
    # "3 new comments on your debate “T”"; None: a generic text (see decide.notifications).
    describe: Callable[[int, str, str], str] | None = None
    # Where opening the notification leads, when not to its item (e.g. a hidden item's
    # author goes to the page explaining why); None: the item's page.
    link: Callable[[Any], str | None] | None = None


@dataclass(frozen=True)
class AdminEntry:
    """A link in a space's admin menu, shown to those allowed `action` there."""

    label: Any
    endpoint: str
    action: str = "space.admin"
    kind: str | None = None  # "city" or "alliance": shown in spaces of that kind only
    description: Any = ""  # one line under the label on the admin home


@dataclass(frozen=True)
class ActivityItem:
    """One thing a person published, for their public profile."""

    kind: str  # "debate", "comment"...
    title: str
    url: str
    space_name: str
    created_at: Any
    timezone: str = "UTC"
    verb: Any = ""  # what the person did, shown before the title: "Started a debate"


@dataclass
class Module:
    name: str
    label: Any = ""
    # Space modules are enabled per city or alliance (`modules = [...]` in its file) and get a
    # tab in the space bar; the others (comments, search...) serve every space.
    space_module: bool = False
    intro: Any = ""
    empty: Any = ""  # "No debates in %(space)s yet."
    blueprint: Blueprint | None = None
    index_endpoint: str | None = None
    models: tuple[type, ...] = ()
    targets: tuple[Target, ...] = ()
    settings: tuple[SettingSpec, ...] = ()
    actions: dict[str, Rule] = field(default_factory=dict)
    home_section: HomeSection | None = None
    search: SearchProvider | None = None
    # Personal-data download: `personal_data(user)` returns JSON-able data under the module's
    # name; `erase_personal_data(user)` unlinks what must not survive the account's deletion.
    personal_data: Callable[[Any], Any] | None = None
    erase_personal_data: Callable[[Any], None] | None = None
    activity: Callable[[Any, int], list[ActivityItem]] | None = None
    notification_kinds: tuple[NotificationKind, ...] = ()
    admin_menu: tuple[AdminEntry, ...] = ()
    # Endpoints whose page is the same for every signed-out visitor: served to them from the
    # page cache (decide.core.pagecache) until a write changes what they show.
    visitor_pages: tuple[str, ...] = ()
    # Anything else the module wires at start (signal receivers, template helpers).
    init_app: Callable[[Flask], None] | None = None


class ModuleRegistry:
    """The declared modules, in the factory's order."""

    def __init__(self) -> None:
        self._modules: dict[str, Module] = {}

    def register(self, module: Module) -> None:
        known = self._modules.get(module.name)
        if known is module:
            return
        if known is not None:
            raise ValueError(f"module {module.name!r} declared twice")
        from decide.core import permissions, targets

        for target in module.targets:
            targets.register_target(target)
        register_settings(module.name, module.settings)
        permissions.register_actions(module.name, module.actions, module.space_module)
        self._modules[module.name] = module

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __contains__(self, name: object) -> bool:
        return name in self._modules

    def get(self, name: str) -> Module | None:
        return self._modules.get(name)

    def space_modules(self) -> list[Module]:
        """Modules a space may enable, in the factory's order."""
        return [m for m in self if m.space_module]

    def notification_kinds(self) -> list[NotificationKind]:
        return [kind for m in self for kind in m.notification_kinds]


# Declarations are static, so one registry serves every application of the process.
registry = ModuleRegistry()


def enabled_in(space: Any) -> list[Module]:
    """The space modules `space` enables, in the factory's order."""
    return [m for m in registry.space_modules() if space.has_module(m.name)]
