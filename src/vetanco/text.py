"""Spanish text normalisation shared by search, duplicate detection and product grouping."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")


def fold(text: str) -> str:
    """Lower-case, accents removed, spaces collapsed: 'Vetancilína  100ML' -> 'vetancilina 100ml'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()


def fingerprint(text: str) -> str:
    """Hash of the folded text without punctuation, so trivial edits still count as the same story."""
    return fingerprint_folded(fold(text))


def fingerprint_folded(folded: str) -> str:
    """`fingerprint` of text already folded (bulk loaders fold once for several uses)."""
    sin_signos = _SPACES.sub(" ", _PUNCT.sub(" ", folded)).strip()
    return hashlib.sha256(sin_signos.encode()).hexdigest()


def like_pattern(text: str, *, prefix: bool = True, suffix: bool = True) -> str:
    """A LIKE pattern that matches the user's text literally (escape character: backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{'%' if prefix else ''}{escaped}{'%' if suffix else ''}"
