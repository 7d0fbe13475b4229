"""An unexpected error shows a translated 500 page, not a stack trace."""

from __future__ import annotations

from pathlib import Path

from decide import create_app
from tests.conftest import make_config


def test_server_error_page(tmp_path: Path, app) -> None:
    broken = create_app(make_config(tmp_path, TESTING=False, PROPAGATE_EXCEPTIONS=False,
                                    DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"]))

    @broken.route("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    client = broken.test_client()
    response = client.get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html and "RuntimeError" not in html
    response = client.get("/boom", headers={"Accept-Language": "pt-BR"})
    assert response.status_code == 500 and "Something went wrong" not in response.get_data(
        as_text=True)
