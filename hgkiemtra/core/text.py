"""Text helpers: diacritics-insensitive search keys for Vietnamese."""

from __future__ import annotations

import unicodedata

# đ/Đ are letters of their own, not d plus a combining mark, so NFD keeps them.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def search_key(*parts: str | None) -> str:
    """Lower-case, accent-free, single-spaced: 'Nguyễn Văn Đức' -> 'nguyen van duc'."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())
