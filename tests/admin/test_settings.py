"""The settings page: values in force and where they come from, validated overrides in the
database over the file's values, resets, and the audit of every change."""

from __future__ import annotations

from decide.cities.services import load_config
from decide.extensions import db
from tests.admin.helpers import EN, admin_client, events, space
from tests.conftest import FIXTURE_CONFIG


def test_page_shows_value_and_origin(logged_in) -> None:
    client = admin_client(logged_in)
    html = client.get("/aurora/admin/settings", headers=EN).get_data(as_text=True)
    # support_threshold comes from aurora's file, comment_max_length is a default.
    assert 'name="setting-support_threshold" value="500"' in html
    assert 'name="setting-comment_max_length" value="1000"' in html
    assert "Configuration file" in html and "Default" in html
    assert "Supports a proposal needs to succeed" in html  # the declared description


def test_override_is_stored_audited_and_shown(app, logged_in) -> None:
    client = admin_client(logged_in)
    response = client.post("/aurora/admin/settings", data={
        "setting-support_threshold": "750", "setting-comment_max_length": "1000"})
    assert response.status_code == 303
    with app.app_context():
        aurora = space("aurora")
        assert aurora.setting("support_threshold") == 750
        assert aurora.settings["support_threshold"] == 500  # the file's value is kept
        assert aurora.setting_source("support_threshold") == "override"
        # An unchanged value is not turned into an override.
        assert aurora.setting_source("comment_max_length") == "default"
    [event] = events(app, "admin.setting")
    assert event["data"] == {"key": "support_threshold", "before": 500, "after": 750}
    assert event["actor"] == "boss"
    html = client.get("/aurora/admin/settings", headers=EN).get_data(as_text=True)
    assert "Changed here" in html and "by boss" in html and "File: 500." in html


def test_override_survives_config_load(app, logged_in) -> None:
    client = admin_client(logged_in)
    client.post("/aurora/admin/settings", data={"setting-support_threshold": "750"})
    with app.app_context():
        load_config(FIXTURE_CONFIG / "cities", FIXTURE_CONFIG / "alliances")
        assert space("aurora").setting("support_threshold") == 750


def test_reset_goes_back_to_the_file(app, logged_in) -> None:
    client = admin_client(logged_in)
    client.post("/aurora/admin/settings", data={"setting-support_threshold": "750"})
    response = client.post("/aurora/admin/settings/reset", data={"key": "support_threshold"})
    assert response.status_code == 303
    with app.app_context():
        aurora = space("aurora")
        assert aurora.setting("support_threshold") == 500
        assert aurora.setting_source("support_threshold") == "file"
    [event] = events(app, "admin.setting_reset")
    assert event["data"]["before"] == 750 and event["data"]["after"] == 500
    assert client.post("/aurora/admin/settings/reset",
                       data={"key": "no_such_key"}).status_code == 400


def test_wrong_type_and_out_of_range_store_nothing(app, logged_in) -> None:
    client = admin_client(logged_in)
    for typed, message in (("lots", "Enter a whole number"), ("2.5", "Enter a whole number"),
                           ("0", "Enter 1 or more")):
        response = client.post("/aurora/admin/settings", headers=EN, data={
            "setting-comment_max_length": "200", "setting-support_threshold": typed})
        html = response.get_data(as_text=True)
        assert response.status_code == 400, typed
        assert message in html
        # What was typed stays in the form, the valid value too.
        assert f'value="{typed}"' in html and 'value="200"' in html
        assert 'aria-invalid="true"' in html
    response = client.post("/aurora/admin/settings", headers=EN, data={
        "setting-unverified_vote_cap_percent": "101"})
    assert response.status_code == 400 and "Enter 100 or less" in response.get_data(as_text=True)
    response = client.post("/aurora/admin/settings", headers=EN, data={
        "setting-support_threshold_census_percent": "nan"})
    assert response.status_code == 400 and "Enter a number" in response.get_data(as_text=True)
    with app.app_context():
        aurora = space("aurora")
        assert aurora.overrides == {}
        assert aurora.setting("comment_max_length") == 1000
    assert events(app, "admin.setting") == []


def test_float_setting_accepts_a_decimal(app, logged_in) -> None:
    client = admin_client(logged_in)
    client.post("/aurora/admin/settings", data={"setting-support_threshold_census_percent":
                                                "2.5"})
    with app.app_context():
        assert space("aurora").setting("support_threshold_census_percent") == 2.5


def test_setting_prefers_override_then_file_then_default(app) -> None:
    with app.app_context():
        aurora = space("aurora")
        assert aurora.setting("comment_max_length") == 1000  # default
        assert aurora.setting("support_threshold") == 500  # file
        aurora.overrides = {"settings.support_threshold": {"value": 42, "by": None, "at": ""}}
        assert aurora.setting("support_threshold") == 42
        # A stored override the declaration no longer accepts falls back to the file.
        aurora.overrides = {"settings.support_threshold": {"value": -3, "by": None, "at": ""}}
        assert aurora.setting("support_threshold") == 500
        db.session.rollback()


def test_settings_of_modules_not_enabled_are_marked(app, logged_in) -> None:
    client = admin_client(logged_in)
    client.post("/aurora/admin/modules", data={"modules": ["debates"]})
    html = client.get("/aurora/admin/settings", headers=EN).get_data(as_text=True)
    proposals = html.index("Supports a proposal needs to succeed")
    # The proposals group comes after the enabled ones, marked as not enabled here.
    assert html.rindex("Not enabled here", 0, proposals) > html.index("votes than this")
