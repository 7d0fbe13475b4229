"""Census import and residence verification.

Document numbers are never stored: each is normalised (spaces removed, upper case) and hashed
with HMAC-SHA256 under a key derived from the deployment's SECRET_KEY and the fixed context
string `CENSUS_KEY_CONTEXT`. Changing SECRET_KEY therefore requires re-importing every census.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TextIO

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from decide.accounts.services import set_residence
from decide.audit import services as audit
from decide.core.db import utcnow
from decide.core.errors import DomainError
from decide.extensions import db
from decide.verification.models import (
    CensusClaim,
    CensusEntry,
    CensusImport,
    VerificationFailure,
)

CENSUS_HEADER = ["document_type", "document_number", "date_of_birth", "postal_code"]
CENSUS_KEY_CONTEXT = b"decide/verification/census-document-number/v1"
BATCH_SIZE = 5000
FREE_FAILURES = 5  # failures allowed before the account has to wait
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=24)

_DOCUMENT_TYPE = re.compile(r"^[a-z0-9_-]{1,32}$")
_DOCUMENT_NUMBER = re.compile(r"^[A-Z0-9-]{1,40}$")
_POSTAL_CODE = re.compile(r"^[A-Z0-9-]{1,16}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CensusError(DomainError):
    """A malformed census file; `line` is the first bad line (1 is the header)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(_("Line %(line)d: %(problem)s", line=line, problem=message))
        self.line = line


class ThrottledError(DomainError):
    def __init__(self, until: datetime) -> None:
        super().__init__(_("Too many failed attempts."), status=429)
        self.until = until


class MoveConfirmationNeeded(DomainError):
    def __init__(self, current_city: Any) -> None:
        super().__init__(_("You are a verified resident of %(city)s. Confirm that you have "
                           "moved to verify your residence here instead.",
                           city=current_city.name), field="confirm_move", status=409)


def _census_key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    return hmac.new(secret, CENSUS_KEY_CONTEXT, hashlib.sha256).digest()


def normalise_document_number(number: str) -> str:
    return "".join(number.split()).upper()


def normalise_document_type(document_type: str) -> str:
    return document_type.strip().lower()


def normalise_postal_code(postal_code: str) -> str:
    return "".join(postal_code.split()).upper()


def document_hash(number: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the normalised number under the deployment's census key."""
    normalised = normalise_document_number(number).encode()
    return hmac.new(key or _census_key(), normalised, hashlib.sha256).hexdigest()


def _parse_date(value: str) -> date | None:
    if not _ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _census_rows(stream: TextIO, city_id: int, key: bytes) -> Iterator[dict[str, Any]]:
    """Checked rows of a census file, one at a time (the file is never read whole)."""
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error):
        raise CensusError(1, _("the file is not a CSV file in UTF-8.")) from None
    if header is None:
        raise CensusError(1, _("the file is empty."))
    if [name.strip() for name in header] != CENSUS_HEADER:
        raise CensusError(1, _("the header must be exactly %(header)s.",
                               header=",".join(CENSUS_HEADER)))
    seen: set[bytes] = set()
    today = date.today()
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise CensusError(line, _("the text is not UTF-8.")) from None
        except csv.Error:
            raise CensusError(line, _("the line is not valid CSV.")) from None
        line = reader.line_num
        if not row:
            continue  # blank lines, e.g. at the end of the file
        if len(row) != len(CENSUS_HEADER):
            raise CensusError(line, _("expected %(expected)d values, found %(found)d.",
                                      expected=len(CENSUS_HEADER), found=len(row)))
        document_type = normalise_document_type(row[0])
        number = normalise_document_number(row[1])
        born = _parse_date(row[2].strip())
        postal_code = normalise_postal_code(row[3])
        if not _DOCUMENT_TYPE.match(document_type):
            raise CensusError(line, _("the document type is missing or invalid."))
        if not _DOCUMENT_NUMBER.match(number):
            raise CensusError(line, _("the document number is missing or invalid."))
        if born is None:
            raise CensusError(line, _("the date of birth must be a date written YYYY-MM-DD."))
        if born > today:
            raise CensusError(line, _("the date of birth is in the future."))
        if not _POSTAL_CODE.match(postal_code):
            raise CensusError(line, _("the postal code is missing or invalid."))
        digest = hmac.new(key, number.encode(), hashlib.sha256)
        seen_key = document_type.encode() + b":" + digest.digest()
        if seen_key in seen:
            raise CensusError(line, _("this document appears twice in the file."))
        seen.add(seen_key)
        yield {"city_id": city_id, "document_type": document_type,
               "document_hash": digest.hexdigest(), "date_of_birth": born,
               "postal_code": postal_code}


_COPY_COLUMNS = ("city_id", "document_type", "document_hash", "date_of_birth", "postal_code")


def _copy_writer() -> Callable[[list[dict[str, Any]]], None]:
    """PostgreSQL: rows go through COPY on the session's own connection (same transaction)."""
    connection = db.session.connection().connection.driver_connection

    def write(batch: list[dict[str, Any]]) -> None:
        with connection.cursor() as cursor, cursor.copy(
                f"COPY census_entries ({', '.join(_COPY_COLUMNS)}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row(tuple(row[column] for column in _COPY_COLUMNS))

    return write


def _write_batch(batch: list[dict[str, Any]],
                 write: Callable[[list[dict[str, Any]]], None] | None) -> None:
    if write is not None:
        write(batch)
    else:
        db.session.execute(insert(CensusEntry), batch)  # executemany


def import_census(city: Any, stream: TextIO, imported_by: Any = None,
                  progress: Callable[[int], None] | None = None) -> int:
    """Replace `city`'s census with the rows of `stream`, all or nothing; returns the count.

    Old rows are deleted and new ones inserted in batches (COPY on PostgreSQL, executemany
    elsewhere) in one transaction: a bad row rolls everything back, and readers see the old
    census until the commit.
    `progress(n)` is called with the number of rows written by each batch.
    """
    if not city.is_city:
        raise DomainError(_("Only cities have a census."))
    key = _census_key()
    count = 0
    try:
        db.session.execute(delete(CensusEntry).where(CensusEntry.city_id == city.id))
        write = _copy_writer() if db.session.get_bind().dialect.name == "postgresql" else None
        batch: list[dict[str, Any]] = []
        for row in _census_rows(stream, city.id, key):
            batch.append(row)
            if len(batch) >= BATCH_SIZE:
                _write_batch(batch, write)
                count += len(batch)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            _write_batch(batch, write)
            count += len(batch)
            if progress:
                progress(len(batch))
        if count == 0:
            raise CensusError(2, _("the file has no rows after the header."))
        status = db.session.scalar(select(CensusImport).where(CensusImport.city_id == city.id))
        if status is None:
            status = CensusImport(city_id=city.id)
            db.session.add(status)
        status.imported_at = utcnow()
        status.row_count = count
        status.imported_by_id = getattr(imported_by, "id", None)
        audit.record(imported_by, city.id, "census.import", rows=count)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return count


@dataclass(frozen=True)
class CensusStatus:
    rows: int
    imported_at: datetime | None


def census_status(city: Any) -> CensusStatus:
    status = db.session.scalar(select(CensusImport).where(CensusImport.city_id == city.id))
    rows = db.session.scalar(
        select(func.count()).select_from(CensusEntry).where(CensusEntry.city_id == city.id))
    return CensusStatus(rows=rows or 0, imported_at=status.imported_at if status else None)


def _failures(user: Any) -> list[datetime]:
    return list(db.session.scalars(
        select(VerificationFailure.attempted_at)
        .where(VerificationFailure.user_id == user.id)
        .order_by(VerificationFailure.attempted_at)))


def wait_after(failures: int) -> timedelta:
    """The wait after `failures` failed attempts: none up to 5, then 1 min, 2, 4... ≤ 24 h."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    exponent = failures - FREE_FAILURES
    if exponent >= 11:  # 2**11 minutes is already more than a day
        return LONGEST_WAIT
    return min(FIRST_WAIT * 2 ** exponent, LONGEST_WAIT)


def blocked_until(user: Any) -> datetime | None:
    """When the account may try again, while it has to wait; otherwise None."""
    failures = _failures(user)
    wait = wait_after(len(failures))
    if not wait:
        return None
    until = failures[-1] + wait
    return until if until > utcnow() else None


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _fail(user: Any, city: Any, message: str) -> DomainError:
    db.session.add(VerificationFailure(user_id=user.id, city_id=city.id,
                                       attempted_at=utcnow()))
    db.session.commit()
    return DomainError(message)


def verify(user: Any, city: Any, document_type: str, document_number: str,
           date_of_birth: date, postal_code: str, confirm_move: bool = False) -> Any:
    """Make `user` a verified resident of `city` if the census has them; see the module doc."""
    if user.is_organisation:
        raise DomainError(_("Organisations cannot verify a residence."), status=403)
    if not city.is_city:
        raise DomainError(_("Only cities have a census."), status=404)
    until = blocked_until(user)
    if until is not None:
        raise ThrottledError(until)
    residence = user.residence
    if residence is not None and residence.city_id == city.id:
        raise DomainError(_("You are already a verified resident of %(city)s.",
                            city=city.name), status=409)
    if residence is not None and not confirm_move:
        raise MoveConfirmationNeeded(residence.city)
    if census_status(city).rows == 0:
        raise DomainError(_("%(city)s has not uploaded its census yet.", city=city.name),
                          status=409)
    document_type = normalise_document_type(document_type)
    hashed = document_hash(document_number)
    entry = db.session.scalar(select(CensusEntry).where(
        CensusEntry.city_id == city.id, CensusEntry.document_type == document_type,
        CensusEntry.document_hash == hashed, CensusEntry.date_of_birth == date_of_birth,
        CensusEntry.postal_code == normalise_postal_code(postal_code)))
    if entry is None:
        raise _fail(user, city, _("These details do not match the census of %(city)s. Check "
                                  "them and try again.", city=city.name))
    minimum_age = city.setting("verification_min_age")
    if _age_on(entry.date_of_birth, date.today()) < minimum_age:
        raise DomainError(_("You must be at least %(age)d years old to verify your residence "
                            "in %(city)s.", age=minimum_age, city=city.name), status=403)
    claim = db.session.scalar(select(CensusClaim).where(
        CensusClaim.city_id == city.id, CensusClaim.document_type == document_type,
        CensusClaim.document_hash == hashed))
    if claim is not None and claim.user_id != user.id:
        raise DomainError(_("This document has already verified another account. If it is "
                            "yours, contact the administrators of %(city)s.", city=city.name),
                          status=409)
    previous_city = residence.city if residence is not None else None
    if claim is None:
        db.session.add(CensusClaim(city_id=city.id, document_type=document_type,
                                   document_hash=hashed, user_id=user.id,
                                   claimed_at=utcnow()))
    db.session.execute(delete(VerificationFailure)
                       .where(VerificationFailure.user_id == user.id))
    if previous_city is not None:
        # Moving city is an explicit change: both cities' trails show it.
        audit.record(user, previous_city.id, "residence.move", user, to_city=city.slug)
    audit.record(user, city.id, "residence.verify", user, method="census",
                 from_city=previous_city.slug if previous_city else None)
    try:
        db.session.flush()  # the claim's unique constraint settles two concurrent attempts
    except IntegrityError:
        db.session.rollback()
        raise DomainError(_("This document has already verified another account. If it is "
                            "yours, contact the administrators of %(city)s.", city=city.name),
                          status=409) from None
    return set_residence(user, city, method="census")  # commits
