"""`decide census import FILE --city SLUG`: census files of any size, with a progress bar."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import with_appcontext

from decide.cli import in_english

census_group = click.Group("census", help="City censuses for residence verification.")


@census_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--city", "city_slug", required=True, help="The city's slug.")
@with_appcontext
@in_english
def census_import(file: Path, city_slug: str) -> None:
    """Replace the city's census with FILE (CSV, UTF-8); nothing changes if a row is bad."""
    from decide.cities.queries import city_by_slug
    from decide.core.errors import DomainError
    from decide.verification import services

    city = city_by_slug(city_slug)
    if city is None:
        raise click.ClickException(f"no city with the slug {city_slug!r}")
    size = os.path.getsize(file)
    bar_output = click.get_text_stream("stderr")
    with open(file, encoding="utf-8-sig", newline="") as stream, \
            click.progressbar(length=size, label="Importing", file=bar_output) as bar:
        # Bytes read so far drive the bar: the row count is unknown until the end.
        def advance(_rows: int) -> None:
            bar.update(stream.buffer.tell() - bar.pos)

        try:
            count = services.import_census(city, stream, progress=advance)
        except DomainError as error:
            raise click.ClickException(f"{file}: {error.message}; nothing was imported") from None
        bar.update(size - bar.pos)
    click.echo(f"{city.slug}: census replaced, {count} rows")
