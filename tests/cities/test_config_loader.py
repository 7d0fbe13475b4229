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
        ("cities/aurora.toml", '"budgets"]', '"budgets", "casino"]', "modules"),
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
