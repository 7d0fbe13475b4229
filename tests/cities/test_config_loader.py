"""Loading config/cities/*.toml and config/alliances/*.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from decide.cities.models import Alliance, City, Geozone, Space
from decide.cities.services import ConfigError, load_config
from decide.config import CONFIG_DIR
from decide.extensions import db
from tests.conftest import FIXTURE_CONFIG


@pytest.fixture
def config_copy(tmp_path: Path) -> tuple[Path, Path]:
    cities, alliances = tmp_path / "cities", tmp_path / "alliances"
    shutil.copytree(FIXTURE_CONFIG / "cities", cities)
    shutil.copytree(FIXTURE_CONFIG / "alliances", alliances)
    return cities, alliances


def test_load_is_idempotent(app, ctx) -> None:
    report = load_config(FIXTURE_CONFIG / "cities", FIXTURE_CONFIG / "alliances")
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == 4
    assert db.session.scalar(select(func.count(Space.id))) == 4
    assert db.session.scalar(select(func.count(Geozone.id))) == 2


def test_loaded_values(app, ctx) -> None:
    aurora = db.session.scalar(select(City).where(City.slug == "aurora"))
    assert aurora.country == "ES"
    assert aurora.timezone == "Europe/Madrid"
    assert aurora.theme["primary"] == "#b91c1c"
    assert [g.slug for g in aurora.geozones] == ["norte", "sur"]
    pact = db.session.scalar(select(Alliance).where(Alliance.slug == "pact"))
    assert pact.themes == ["housing", "climate"]
    assert pact.sdgs == [11, 13]
    assert [(m.city.slug, m.role) for m in pact.memberships] == [
        ("aurora", "leader"), ("borealis", "member")]
    assert str(pact.founded_on) == "2018-07-16"


def test_settings_have_typed_defaults(app, ctx) -> None:
    aurora = db.session.scalar(select(City).where(City.slug == "aurora"))
    borealis = db.session.scalar(select(City).where(City.slug == "borealis"))
    assert aurora.setting("support_threshold") == 500
    assert borealis.setting("support_threshold") == 10_000
    assert borealis.setting("months_to_archive") == 12
    with pytest.raises(KeyError):
        aurora.setting("no_such_setting")


def test_changes_update_in_place(app, ctx, config_copy) -> None:
    cities, alliances = config_copy
    path = cities / "aurora.toml"
    path.write_text(path.read_text().replace("support_threshold = 500",
                                             "support_threshold = 750"))
    # Borealis leaves the alliance.
    apath = alliances / "pact.toml"
    apath.write_text(apath.read_text().replace(', { city = "borealis" }', ""))
    report = load_config(cities, alliances)
    assert report.updated == 1  # aurora; the membership change is not a field of the space
    aurora = db.session.scalar(select(City).where(City.slug == "aurora"))
    assert aurora.setting("support_threshold") == 750
    pact = db.session.scalar(select(Alliance).where(Alliance.slug == "pact"))
    assert [m.city.slug for m in pact.memberships] == ["aurora"]


@pytest.mark.parametrize(
    ("file", "old", "new", "key"),
    [
        ("cities/aurora.toml", 'timezone = "Europe/Madrid"', 'timezone = "Mars/Olympus"',
         "timezone"),
        ("cities/aurora.toml", 'currency = "EUR"', 'currency = "XXQ"', "currency"),
        ("cities/aurora.toml", 'country = "ES"', 'country = "Spain"', "country"),
        ("cities/aurora.toml", 'primary = "#b91c1c"', 'primary = "red"', "theme.primary"),
        ("cities/aurora.toml", "support_threshold = 500", 'support_threshold = "many"',
         "settings.support_threshold"),
        ("cities/aurora.toml", "support_threshold = 500", "support_threshold = 0",
         "settings.support_threshold"),
        ("cities/aurora.toml", "support_threshold = 500", "nonsense = 1", "settings.nonsense"),
        ("cities/aurora.toml", 'default_locale = "es"', 'default_locale = "fr"',
         "default_locale"),
        ("cities/aurora.toml", 'modules = ["debates", "proposals", "budgets"]',
         'modules = ["debates", "casino"]', "modules"),
        ("cities/aurora.toml", 'slug = "sur"', 'slug = "norte"', "geozones[1].slug"),
        ("alliances/pact.toml", 'city = "borealis"', 'city = "atlantis"', "members[1].city"),
        ("alliances/pact.toml", '"climate"]', '"climate", "astrology"]', "themes"),
        ("alliances/pact.toml", "sdgs = [11, 13]", "sdgs = [11, 18]", "sdgs"),
        ("alliances/pact.toml", 'kind = "operative"', 'kind = "secret"', "kind"),
        ("alliances/pact.toml", 'founded = "2018-07-16"', 'founded = "last year"', "founded"),
        ("alliances/pact.toml", 'role = "leader"', 'role = "emperor"', "members[0].role"),
    ],
)
def test_malformed_file_names_file_key_and_problem(app, ctx, config_copy, file, old, new,
                                                   key) -> None:
    cities, alliances = config_copy
    path = cities.parent / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    with pytest.raises(ConfigError) as info:
        load_config(cities, alliances)
    assert info.value.path == path
    assert info.value.key == key
    assert str(path) in str(info.value) and key in str(info.value)
    # Nothing already stored is lost or half-changed.
    aurora = db.session.scalar(select(City).where(City.slug == "aurora"))
    assert aurora.timezone == "Europe/Madrid"
    assert db.session.scalar(select(func.count(Space.id))) == 4


def test_invalid_toml_and_reserved_slug(app, ctx, config_copy) -> None:
    cities, alliances = config_copy
    (cities / "broken.toml").write_text("name = [unclosed")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(cities, alliances)
    (cities / "broken.toml").unlink()
    shutil.copy(cities / "cenit.toml", cities / "alliances.toml")
    with pytest.raises(ConfigError, match="reserved"):
        load_config(cities, alliances)


def test_shipped_configuration_loads(app, ctx) -> None:
    """The real cities and alliances in config/ are valid and numerous enough."""
    report = load_config(CONFIG_DIR / "cities", CONFIG_DIR / "alliances")
    assert report.created >= 11
    cities = db.session.scalars(select(City)).all()
    alliances = db.session.scalars(select(Alliance)).all()
    assert len(cities) >= 8 + 3 and len(alliances) >= 3 + 1
    by_slug = {c.slug: c for c in cities}
    assert by_slug["belo-horizonte"].default_locale == "pt_BR"
    assert by_slug["madrid"].default_locale == "es"
    assert by_slug["montevideo"].default_locale == "es"
    for alliance in alliances:
        if alliance.slug != "pact":
            assert alliance.memberships, alliance.slug
            assert set(alliance.names) == {"es", "en", "pt_BR"}


@pytest.mark.parametrize(
    ("file", "line", "key"),
    [
        ("cities/aurora.toml", 'timezone = "Europe/Madrid"', "timezone"),
        ("cities/aurora.toml", 'currency = "EUR"', "currency"),
        ("cities/aurora.toml", 'country = "ES"', "country"),
        ("cities/aurora.toml", 'default_locale = "es"', "default_locale"),
        ("cities/aurora.toml", 'locales = ["es", "en", "pt_BR"]', "locales"),
        ("cities/aurora.toml", 'modules = ["debates", "proposals", "budgets"]', "modules"),
        ("cities/aurora.toml", 'name = { es = "Aurora", en = "Aurora", pt_BR = "Aurora" }',
         "name"),
        ("cities/aurora.toml", 'name = "Sur"', "geozones[1].name"),
        ("alliances/pact.toml", 'kind = "operative"', "kind"),
        ("alliances/pact.toml", 'themes = ["housing", "climate"]', "themes"),
        ("alliances/pact.toml", 'timezone = "America/Montevideo"', "timezone"),
        ("alliances/pact.toml", 'members = [{ city = "aurora", role = "leader", '
                                'since = "2018-07-16" }, { city = "borealis" }]', "members"),
    ],
)
def test_required_keys_are_required(app, ctx, config_copy, file, line, key) -> None:
    """Removing `timezone` must not quietly move a live city to UTC, and so on."""
    cities, alliances = config_copy
    path = cities.parent / file
    text = path.read_text()
    assert line in text
    path.write_text(text.replace(line, ""))
    with pytest.raises(ConfigError) as info:
        load_config(cities, alliances)
    assert (info.value.path, info.value.key, info.value.problem) == (path, key, "is required")
    aurora = db.session.scalar(select(City).where(City.slug == "aurora"))
    assert aurora.timezone == "Europe/Madrid"


@pytest.mark.parametrize(
    ("file", "old", "new", "key", "problem"),
    [
        ("cities/aurora.toml", "position = 1", "position = 1\nfrobnicate = true", "frobnicate",
         "unknown key"),
        ("cities/aurora.toml", 'primary = "#b91c1c"', 'primar = "#b91c1c"', "theme.primar",
         "unknown key"),
        # A top-level key written after [theme] lands in the theme table: say why.
        ("cities/aurora.toml", 'secondary = "#1d4ed8"', 'secondary = "#1d4ed8"\nposition = 4',
         "theme.position", "must come before the first [table]"),
        ("cities/aurora.toml", 'name = "Sur"', 'name = "Sur"\nfrobnicate = 1',
         "geozones[1].frobnicate", "unknown key"),
        ("cities/aurora.toml", 'name = "Sur"', 'name = "Sur"\ncurrency = "USD"',
         "geozones[1].currency", "must come before the first [table]"),
        ("cities/aurora.toml", "census_size = 20000", "census_size = 20000\ntimezone = \"UTC\"",
         "settings.timezone", "must come before the first [table]"),
        ("alliances/pact.toml", 'sdgs = [11, 13]', 'sdgs = [11, 13]\nfrobnicate = "x"',
         "frobnicate", "unknown key"),
        ("alliances/pact.toml", '{ city = "borealis" }', '{ city = "borealis", rol = "member" }',
         "members[1].rol", "unknown key"),
        ("alliances/pact.toml", '{ city = "borealis" }', '{ city = "aurora" }',
         "members[1].city", "appears twice"),
        ("alliances/pact.toml", 'secondary = "#0891b2"', 'secondary = "#0891b2"\nlogoo = "x"',
         "theme.logoo", "unknown key"),
        ("cities/aurora.toml", 'modules = ["debates", "proposals", "budgets"]',
         'modules = ["debates", "debates"]', "modules", "twice"),
    ],
)
def test_unknown_keys_are_refused(app, ctx, config_copy, file, old, new, key, problem) -> None:
    cities, alliances = config_copy
    path = cities.parent / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_config(cities, alliances)
    assert (info.value.path, info.value.key) == (path, key)
    assert problem in info.value.problem
    assert db.session.scalar(select(City).where(City.slug == "aurora")).theme["primary"] \
        == "#b91c1c"


def test_a_space_whose_file_is_gone_is_reported_and_kept(app, ctx, config_copy) -> None:
    cities, alliances = config_copy
    (cities / "cenit.toml").unlink()
    report = load_config(cities, alliances)
    assert report.without_file == ["cenit"] and report.retired == []
    assert report.unchanged == 3
    assert db.session.scalar(select(City).where(City.slug == "cenit")) is not None


def test_retire_missing_removes_an_unused_space(app, ctx, config_copy) -> None:
    cities, alliances = config_copy
    (cities / "cenit.toml").unlink()
    (alliances / "pact.toml").unlink()
    report = load_config(cities, alliances, retire_missing=True)
    assert sorted(report.retired) == ["alliances/pact", "cenit"]
    assert report.without_file == []
    assert {s.slug for s in db.session.scalars(select(Space))} == {"aurora", "borealis"}
    # The file comes back: the space is created again.
    shutil.copy(FIXTURE_CONFIG / "cities" / "cenit.toml", cities / "cenit.toml")
    assert load_config(cities, alliances).created == 1


def test_retire_missing_refuses_to_lose_content(app, ctx, config_copy, make_user) -> None:
    cities, alliances = config_copy
    make_user("vecina", city="cenit", verified=True)
    (cities / "cenit.toml").unlink()
    (cities / "borealis.toml").unlink()
    (alliances / "pact.toml").unlink()
    with pytest.raises(ConfigError) as info:
        load_config(cities, alliances, retire_missing=True)
    assert "cenit" in str(info.value) and "Restore its file" in str(info.value)
    # Nothing was removed, not even the spaces that could have been.
    assert db.session.scalar(select(func.count(Space.id))) == 4


def test_missing_folder_is_an_error(app, ctx, tmp_path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nowhere", FIXTURE_CONFIG / "alliances")
