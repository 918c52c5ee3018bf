"""Minimal read-only FlatBuffers access: just enough to walk a TFLite model.

FlatBuffers layout: a table starts with an int32 offset back to its vtable; the vtable lists,
per field, the field's byte offset inside the table (0 = absent, use the default). Offsets to
sub-tables, vectors and strings are uint32 and relative to where they are stored.
"""
import struct

import numpy as np


class Table:
    def __init__(self, buf: bytes, pos: int):
        self.buf = buf
        self.pos = pos
        vtable = pos - struct.unpack_from("<i", buf, pos)[0]
        vt_size = struct.unpack_from("<H", buf, vtable)[0]
        self._fields = [
            struct.unpack_from("<H", buf, vtable + 4 + 2 * i)[0] for i in range((vt_size - 4) // 2)
        ]

    def _offset(self, field: int) -> int:
        return self._fields[field] if field < len(self._fields) else 0

    def scalar(self, field: int, fmt: str, default=0):
        off = self._offset(field)
        return struct.unpack_from("<" + fmt, self.buf, self.pos + off)[0] if off else default

    def _indirect(self, field: int):
        off = self._offset(field)
        if not off:
            return None
        at = self.pos + off
        return at + struct.unpack_from("<I", self.buf, at)[0]

    def table(self, field: int):
        at = self._indirect(field)
        return None if at is None else Table(self.buf, at)

    def string(self, field: int, default: str = "") -> str:
        at = self._indirect(field)
        if at is None:
            return default
        n = struct.unpack_from("<I", self.buf, at)[0]
        return self.buf[at + 4 : at + 4 + n].decode("utf-8")

    def vector(self, field: int, dtype) -> np.ndarray:
        """A vector of scalars as a numpy array (empty when absent)."""
        at = self._indirect(field)
        if at is None:
            return np.zeros(0, dtype=dtype)
        n = struct.unpack_from("<I", self.buf, at)[0]
        return np.frombuffer(self.buf, dtype=np.dtype(dtype).newbyteorder("<"), count=n, offset=at + 4)

    def tables(self, field: int) -> list:
        at = self._indirect(field)
        if at is None:
            return []
        n = struct.unpack_from("<I", self.buf, at)[0]
        out = []
        for i in range(n):
            el = at + 4 + 4 * i
            out.append(Table(self.buf, el + struct.unpack_from("<I", self.buf, el)[0]))
        return out


def root(buf: bytes) -> Table:
    return Table(buf, struct.unpack_from("<I", buf, 0)[0])
