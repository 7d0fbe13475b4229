"""What an uploaded file is, read from its first bytes: never from its name or the type the
browser claims (both are the sender's word)."""

from __future__ import annotations


def image_type(data: bytes) -> str | None:
    """"image/png", "image/jpeg" or "image/webp"; None for anything else (SVG included: it
    can carry scripts)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-")
