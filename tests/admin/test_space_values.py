"""Modules, languages, colours and logo: overrides over the file's values, validated,
audited, kept by `config load`, and reset to the file's values."""

from __future__ import annotations

import io
import struct
import zlib

from decide.admin.services import contrast_ratio
from decide.cities.services import load_config
from tests.admin.helpers import EN, admin_client, events, space
from tests.conftest import FIXTURE_CONFIG


def _png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _reload(app) -> None:
    with app.app_context():
        load_config(FIXTURE_CONFIG / "cities", FIXTURE_CONFIG / "alliances")


def test_modules_override_survives_load_and_resets(app, logged_in) -> None:
    client = admin_client(logged_in)
    response = client.post("/aurora/admin/modules", data={"modules": ["debates"]})
    assert response.status_code == 303
    _reload(app)
    with app.app_context():
        aurora = space("aurora")
        assert aurora.modules == ["debates"] and not aurora.has_module("proposals")
        assert "proposals" in aurora.file_modules
    [event] = events(app, "admin.modules")
    assert event["data"]["after"] == ["debates"] and "proposals" in event["data"]["before"]
    # The disabled module's pages are gone for this space.
    assert client.get("/aurora/proposals/").status_code == 404
    client.post("/aurora/admin/reset", data={"key": "modules"})
    with app.app_context():
        assert space("aurora").modules == space("aurora").file_modules
    assert len(events(app, "admin.reset")) == 1


def test_unknown_module_refused(app, logged_in) -> None:
    client = admin_client(logged_in)
    response = client.post("/aurora/admin/modules", data={"modules": ["debates", "casino"]},
                           headers=EN)
    assert response.status_code == 400 and "Unknown module." in response.get_data(as_text=True)
    with app.app_context():
        assert space("aurora").overrides == {}


def test_languages_need_one_and_the_main_among_them(app, logged_in) -> None:
    client = admin_client(logged_in)
    response = client.post("/aurora/admin/languages", data={"default_locale": "es"},
                           headers=EN)
    assert response.status_code == 400
    assert "Choose at least one language." in response.get_data(as_text=True)
    response = client.post("/aurora/admin/languages",
                           data={"locales": ["en"], "default_locale": "es"}, headers=EN)
    assert response.status_code == 400
    assert "must be one of the chosen languages" in response.get_data(as_text=True)
    response = client.post("/aurora/admin/languages",
                           data={"locales": ["en", "xx"], "default_locale": "en"}, headers=EN)
    assert response.status_code == 400
    with app.app_context():
        assert space("aurora").overrides == {}
    response = client.post("/aurora/admin/languages",
                           data={"locales": ["en", "pt_BR"], "default_locale": "pt_BR"})
    assert response.status_code == 303
    _reload(app)
    with app.app_context():
        aurora = space("aurora")
        assert aurora.locales == ["en", "pt_BR"] and aurora.default_locale == "pt_BR"
        assert aurora.file_default_locale == "es"
    [event] = events(app, "admin.languages")
    assert event["data"]["after"] == {"locales": ["en", "pt_BR"], "default_locale": "pt_BR"}


def test_contrast_is_computed() -> None:
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48
    assert contrast_ratio("#1f4e8c", "#ffffff") > 4.5


def test_colours_validated_and_contrast_refused(app, logged_in) -> None:
    client = admin_client(logged_in)
    response = client.post("/aurora/admin/theme/colours", headers=EN,
                           data={"primary": "red", "secondary": "#1d4ed8"})
    assert response.status_code == 400 and "like #1a2b3c" in response.get_data(as_text=True)
    response = client.post("/aurora/admin/theme/colours", headers=EN,
                           data={"primary": "#777777", "secondary": "#1d4ed8"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "4.47:1" in html and "WCAG AA" in html and 'value="#777777"' in html
    with app.app_context():
        assert space("aurora").overrides == {}
    response = client.post("/aurora/admin/theme/colours",
                           data={"primary": "#14532D", "secondary": "#1d4ed8"})
    assert response.status_code == 303
    _reload(app)
    with app.app_context():
        assert space("aurora").theme["primary"] == "#14532d"
    [event] = events(app, "admin.theme")
    # Only what changed is recorded.
    assert event["data"] == {"before": {"primary": "#b91c1c"}, "after": {"primary": "#14532d"}}
    css = client.get("/aurora/theme.css").get_data(as_text=True)
    assert "--brand: #14532d" in css


def test_logo_upload_served_with_its_type(app, logged_in) -> None:
    client = admin_client(logged_in)
    png = _png()
    response = client.post("/aurora/admin/theme/logo", content_type="multipart/form-data",
                           data={"logo": (io.BytesIO(png), "logo.png")})
    assert response.status_code == 303
    with app.app_context():
        logo_id = space("aurora").override("theme.logo")["value"]
    served = client.get(f"/aurora/logo/{logo_id}")
    assert served.status_code == 200 and served.data == png
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    # Another city's address for it does not exist.
    assert client.get(f"/borealis/logo/{logo_id}").status_code == 404
    html = client.get("/aurora/admin/theme", headers=EN).get_data(as_text=True)
    assert f"/aurora/logo/{logo_id}" in html
    assert len(events(app, "admin.logo")) == 1
    _reload(app)
    with app.app_context():
        assert space("aurora").override("theme.logo")["value"] == logo_id
    client.post("/aurora/admin/reset", data={"key": "theme.logo"})
    assert client.get(f"/aurora/logo/{logo_id}").status_code == 404


def test_logo_that_is_not_an_image_refused(app, logged_in) -> None:
    client = admin_client(logged_in)
    cases = (
        (b"GIF89a not really", "logo.png", "not a PNG, JPEG or WebP"),
        (b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'><script/></svg>",
         "logo.svg", "SVG files are not accepted"),
        # A name and a claimed type that lie: the bytes decide.
        (b"<html><script>alert(1)</script></html>", "logo.png", "not a PNG, JPEG or WebP"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024), "big.png", "1 MB or smaller"),
    )
    for data, name, message in cases:
        response = client.post("/aurora/admin/theme/logo", headers=EN,
                               content_type="multipart/form-data",
                               data={"logo": (io.BytesIO(data), name, "image/png")})
        assert response.status_code == 400, name
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert space("aurora").overrides == {}
    assert events(app, "admin.logo") == []


def test_saving_the_same_modules_stores_nothing(app, logged_in) -> None:
    client = admin_client(logged_in)
    with app.app_context():
        current = space("aurora").modules
    response = client.post("/aurora/admin/modules", data={"modules": list(reversed(current))})
    assert response.status_code == 303
    with app.app_context():
        assert space("aurora").overrides == {}
    assert events(app, "admin.modules") == []


def test_image_type_comes_from_the_first_bytes() -> None:
    from decide.core.uploads import image_type as logo_type

    assert logo_type(_png()) == "image/png"
    assert logo_type(b"\xff\xd8\xff\xe0\x00\x10JFIF") == "image/jpeg"
    assert logo_type(b"RIFF\x24\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert logo_type(b"RIFF\x24\x00\x00\x00WAVEfmt ") is None
    assert logo_type(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert logo_type(b"") is None
