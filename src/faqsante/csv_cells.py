"""CSV cells a spreadsheet opens safely, and reads back exactly: shared by ``faqsante export`` and the CSV reader.

A spreadsheet runs a cell starting with = + - @ tab or CR as a formula (=HYPERLINK(…) calls home): OWASP
"CSV injection" has such cells written with a leading '. So that the export still reads back exactly, a
cell already starting with quotes before such a character gets one more; the CSV reader takes one off.
"""

from __future__ import annotations

import re

FORMULA_CELL = re.compile(r"'*[=+\-@\t\r]")


def escape_formula(cell: str) -> str:
    """# "=HYPERLINK(…)"  becomes  "'=HYPERLINK(…)";  "'=1"  becomes  "''=1";  "'Tis"  stays"""
    return "'" + cell if FORMULA_CELL.match(cell) else cell


def unescape_formula(cell: str) -> str:
    """What ``escape_formula`` wrote, back: "'=HYPERLINK(…)"  becomes  "=HYPERLINK(…)"."""
    return cell[1:] if cell.startswith("'") and FORMULA_CELL.match(cell[1:]) else cell
