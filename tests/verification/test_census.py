"""Census import: checks with line numbers, atomic replacement, hashing, CLI and admin page."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from decide.cities.queries import city_by_slug
from decide.extensions import db
from decide.verification import services
from decide.verification.models import CensusEntry, CensusImport

HEADER = "document_type,document_number,date_of_birth,postal_code\n"
GOOD = HEADER + "dni,12345678Z,1980-01-31,28001\npassport,XA 998877,1999-12-01,28002\n"


def census_rows(app, slug: str = "aurora") -> int:
    with app.app_context():
        city = city_by_slug(slug)
        return db.session.scalar(select(func.count()).select_from(CensusEntry)
                                 .where(CensusEntry.city_id == city.id))


def run_import(app, content: str, slug: str = "aurora") -> int:
    with app.test_request_context():
        return services.import_census(city_by_slug(slug), io.StringIO(content, newline=""))


def test_good_file_is_imported_normalised_and_hashed(app) -> None:
    assert run_import(app, GOOD) == 2
    with app.test_request_context():
        entries = db.session.scalars(select(CensusEntry).order_by(CensusEntry.id)).all()
        assert [e.document_type for e in entries] == ["dni", "passport"]
        # Spaces and case do not matter: the hash is of the normalised number.
        assert entries[1].document_hash == services.document_hash("xa998877")
        assert entries[0].document_hash != services.document_hash("12345678")
        status = db.session.scalar(select(CensusImport))
        assert status.row_count == 2 and status.imported_at is not None


def test_plain_document_number_is_nowhere_in_the_database(app) -> None:
    run_import(app, GOOD)
    with app.app_context(), db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                dump = " ".join(str(value) for value in row).upper()
                assert "12345678Z" not in dump and "998877" not in dump, table.name


def test_hash_depends_on_the_deployment_secret(app) -> None:
    with app.test_request_context():
        ours = services.document_hash("12345678Z")
        app.config["SECRET_KEY"], old = "another-deployment", app.config["SECRET_KEY"]
        try:
            assert services.document_hash("12345678Z") != ours
        finally:
            app.config["SECRET_KEY"] = old


def expect_error(app, content: str, line: int) -> str:
    try:
        run_import(app, content)
    except services.CensusError as error:
        assert error.line == line, error.message
        return error.message
    raise AssertionError("no error")


def test_malformed_files_name_the_first_bad_line(app) -> None:
    expect_error(app, "", 1)
    expect_error(app, "type,number,born,postal\ndni,1,1980-01-01,28001\n", 1)
    expect_error(app, HEADER, 2)  # no rows
    expect_error(app, GOOD + "dni,999,1980-13-01,28001\n", 4)
    expect_error(app, GOOD + "dni,999,01/02/1980,28001\n", 4)
    expect_error(app, GOOD + "dni,999,2999-01-01,28001\n", 4)
    expect_error(app, GOOD + "dni,,1980-01-01,28001\n", 4)
    expect_error(app, GOOD + "dni,999,1980-01-01\n", 4)
    expect_error(app, GOOD + "dni,999,1980-01-01,\n", 4)
    # The same document twice, written differently.
    expect_error(app, GOOD + "DNI,1234 5678z,1970-01-01,28003\n", 4)


def test_bad_file_imports_nothing_and_keeps_the_old_census(app) -> None:
    run_import(app, GOOD)
    rows = "".join(f"dni,{n}A,1980-01-01,28001\n" for n in range(12000))
    expect_error(app, HEADER + rows + "dni,X,not-a-date,28001\n", 12002)
    assert census_rows(app) == 2  # batches already written were rolled back


def test_reimport_replaces_only_that_citys_census(app) -> None:
    run_import(app, GOOD)
    run_import(app, GOOD, "borealis")
    run_import(app, HEADER + "nie,X1234567L,1970-05-05,28010\n")
    assert census_rows(app) == 1
    assert census_rows(app, "borealis") == 2


def test_cli_import_and_exit_codes(app, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["census", "import", str(good), "--city", "aurora"])
    assert result.exit_code == 0, result.output
    assert "2 rows" in result.output
    assert census_rows(app) == 2

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "dni,1,1980-01-01,28001\ndni,2,1980-02-30,28001\n",
                   encoding="utf-8")
    result = runner.invoke(args=["census", "import", str(bad), "--city", "aurora"])
    assert result.exit_code != 0
    assert "Line 3" in result.output and "nothing was imported" in result.output
    assert census_rows(app) == 2

    latin = tmp_path / "latin1.csv"
    latin.write_bytes((HEADER + "dni,1,1980-01-01,28001\ndni,Ñ2,1980-01-01,28001\n")
                      .encode("latin-1"))
    result = runner.invoke(args=["census", "import", str(latin), "--city", "aurora"])
    assert result.exit_code != 0 and "Line" in result.output

    result = runner.invoke(args=["census", "import", str(good), "--city", "atlantis"])
    assert result.exit_code != 0
    result = runner.invoke(args=["census", "import", str(good), "--city", "pact"])
    assert result.exit_code != 0  # an alliance has no census


def upload(client, content: bytes, slug: str = "aurora", lang: str = "en"):
    return client.post(f"/{slug}/admin/census",
                       data={"census": (io.BytesIO(content), "census.csv")},
                       content_type="multipart/form-data",
                       headers={"Accept-Language": lang})


def test_admin_page_needs_the_city_admin_role(app, client, logged_in) -> None:
    assert client.get("/aurora/admin/census").status_code == 302  # sign in first
    logged_in("mod", roles=[("city", "aurora", "moderator")], locale="en")
    assert client.get("/aurora/admin/census").status_code == 403
    assert upload(client, GOOD.encode()).status_code == 403
    assert census_rows(app) == 0


def test_admin_of_another_city_is_refused(app, client, logged_in) -> None:
    logged_in("boss", roles=[("city", "borealis", "administrator")], locale="en")
    assert client.get("/aurora/admin/census").status_code == 403
    assert upload(client, GOOD.encode()).status_code == 403
    assert client.get("/borealis/admin/census").status_code == 200


def test_admin_uploads_and_sees_count_and_date(app, client, logged_in) -> None:
    logged_in("boss", roles=[("city", "aurora", "administrator")], locale="en")
    page = client.get("/aurora/admin/census", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "No census has been imported yet" in page.get_data(as_text=True)
    assert "Census" in client.get("/aurora/admin/", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert upload(client, ("\ufeff" + GOOD).encode()).status_code == 302  # Excel's BOM is fine
    page = client.get("/aurora/admin/census", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "2 people, imported" in page and "<time" in page


def test_upload_errors_are_400_with_the_line_in_the_users_language(app, client,
                                                                     logged_in) -> None:
    logged_in("boss", roles=[("city", "aurora", "administrator")], locale="en")
    upload(client, GOOD.encode())
    response = upload(client, (GOOD + "dni,77,1980-01-01\n").encode())
    assert response.status_code == 400
    assert "Line 4" in response.get_data(as_text=True)
    assert census_rows(app) == 2
    assert upload(client, b"\xff\xfe garbage").status_code == 400
    no_file = client.post("/aurora/admin/census", data={}, content_type="multipart/form-data")
    assert no_file.status_code == 400


def test_upload_over_the_size_limit_points_to_the_cli(app, client, logged_in) -> None:
    logged_in("boss", roles=[("city", "aurora", "administrator")], locale="en")
    big = GOOD.encode() + b"dni,1,1980-01-01,28001\n" * 100_000
    response = upload(client, big)
    assert response.status_code == 413
    assert "decide census import" in response.get_data(as_text=True)
    assert census_rows(app) == 0
