"""Number formatting shared by the pages and the JavaScript twins (one copy of each rule).

The ``js_*`` and ``fixed`` helpers reproduce what the widgets' JavaScript prints, so a number reads the
same on the static site, in a live kernel and in the tests.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

# what a typed number may look like (calculator.js NUM_RE, lookup.js NUM_RE)
NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
INT_RE = re.compile(r"^[+-]?\d+$")


def js_num(v: float) -> str:
    """JavaScript's ``String(Number(v))`` for the values the book uses: 100000 -> '100000', 0.5 -> '0.5'."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def fixed(v: float, digits: int = 1) -> str:
    """JavaScript's ``v.toFixed(digits)`` for v >= 0: round half up on the exact binary value."""
    return str(Decimal(v).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def format_percent1(v: float) -> str:
    """A proportion as a percentage with one decimal, as JS ``(v * 100).toFixed(1)``: 0.19277 -> '19.3'."""
    return fixed(v * 100, 1)


def amount_text(total_g: float) -> str:
    """A cumulative dose: '350 mg' under a gram, else '2.3 g' (never '0.0 g'); calculator.js ``amountText``."""
    return f"{fixed(total_g * 1000, 0)} mg" if total_g < 1 else f"{fixed(total_g, 1)} g"


def thousands(v: float) -> str:
    """A count with thousands separators, other values as ``%g``: 1500 -> '1,500', 0.5 -> '0.5'."""
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:g}"


def plain_number(v: float) -> str:
    """A number in running text: separators only from 10,000 up (1500 -> '1500', 12000 -> '12,000')."""
    if float(v).is_integer():
        return f"{int(v):,}" if abs(v) >= 10000 else str(int(v))
    return f"{v:g}"


def trimmed(x: float, places: int = 2) -> str:
    """Round half up to ``places`` decimals and drop trailing zeros: 1.5576 -> '1.56', 25.0 -> '25'."""
    q = Decimal(str(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    s = format(q, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def ordinal(n: int) -> str:
    """1 -> '1st', 12 -> '12th', 23 -> '23rd'."""
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def slug(s: object) -> str:
    """A lower-case identifier safe in an HTML id or class: 'Case 1 (DBA)' -> 'case-1-dba'."""
    s = re.sub(r"[^a-z0-9_.-]+", "-", str(s).lower()).strip("-")
    return s or "x"
