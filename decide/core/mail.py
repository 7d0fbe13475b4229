"""Outgoing mail: files in the instance folder (development) or SMTP (production)."""

from __future__ import annotations

import re
import smtplib
import uuid
from datetime import UTC, datetime
from email.headerregistry import BaseHeader, UnstructuredHeader
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app

from decide.core.jobs import enqueue


def mail_dir() -> Path:
    return Path(current_app.instance_path) / "mail"


class _VerbatimHeader(UnstructuredHeader, BaseHeader):
    """Written on one line as given: folding would turn List-Unsubscribe's long <URL> into
    encoded words that mail clients do not read (values are ASCII, well under 998 bytes)."""

    def fold(self, *, policy: Any) -> str:
        return f"{self.name}: {self}{policy.linesep}"


def build_message(to: str, subject: str, text: str, html: str | None = None,
                  headers: dict[str, str] | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="decide.local")
    for name, value in (headers or {}).items():
        verbatim = value.isascii() and value.isprintable() and len(name) + len(value) < 900
        msg[name] = _VerbatimHeader(name, value) if verbatim else value
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def _deliver(raw: bytes, to: str) -> None:
    config = current_app.config
    if config["MAIL_BACKEND"] == "smtp":
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.sendmail(config["MAIL_SENDER"], [to], raw)
        return
    folder = mail_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    (folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml").write_bytes(raw)


def send_mail(to: str, subject: str, text: str, html: str | None = None,
              headers: dict[str, str] | None = None) -> None:
    """Queue one message; the job delivers it through the configured backend.

    `headers` adds header fields, e.g. List-Unsubscribe."""
    msg = build_message(to, subject, text, html, headers)
    enqueue(_deliver, msg.as_bytes(policy=default_policy), to)


def list_dev_mail() -> list[dict[str, str]]:
    """Messages written by the file backend, newest first (for /dev/mail and tests)."""
    from email import message_from_bytes

    folder = mail_dir()
    if not folder.exists():
        return []
    messages = []
    for path in sorted(folder.glob("*.eml"), reverse=True):
        msg = message_from_bytes(path.read_bytes(), policy=default_policy)
        body = msg.get_body(preferencelist=("plain",))
        messages.append({
            "id": path.stem,
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "date": str(msg["Date"]),
            "text": body.get_content() if body is not None else "",
        })
    return messages


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)
