"""How the page writes numbers and dates: compact amounts (12.3k, 1.25M), percentages, signed
changes. The exact value always travels beside it in a data-* attribute or a tooltip."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

DASH = "\u2013"  # shown for a value the mart leaves NULL
MINUS = "\u2212"


def num(value: Any) -> float | None:
    """A number of the marts as a float (None stays None)."""
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal | int | float) else value


def compact(value: Any) -> str:
    number = num(value)
    if number is None:
        return DASH
    size = abs(number)
    sign = MINUS if number < 0 else ""
    if size >= 999_500:
        return f"{sign}{size / 1e6:.2f}M"
    if size >= 9_995:
        return f"{sign}{size / 1e3:.1f}k"
    if size >= 1_000:
        return f"{sign}{size / 1e3:.2f}k"
    return f"{sign}{size:,.0f}" if size >= 10 or size == int(size) else f"{sign}{size:.1f}"


def signed(value: Any) -> str:
    """A change: +12.3k, \u22121.20k, 0."""
    number = num(value)
    if number is None:
        return DASH
    return ("+" if number > 0 else "") + compact(number)


def pct(value: Any, digits: int = 0) -> str:
    number = num(value)
    return DASH if number is None else f"{number * 100:.{digits}f}%"


def day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def raw(value: Any) -> str:
    """The exact value for a data-* attribute ('' for NULL)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    return str(value)
