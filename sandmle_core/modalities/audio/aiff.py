"""AIFF files, written and read with `struct`: the container the right-whale challenge ships its clips in.

The standard library's `aifc` is deprecated (removed in Python 3.13) and soundfile would add a native library for
one container, so this module writes the few bytes an AIFF needs itself: a `FORM`/`AIFF` header, a `COMM` chunk
(channels, frames, bits, the sample rate as an 80-bit IEEE extended float) and an `SSND` chunk of big-endian 16-bit
samples. No timestamps or names are written, so the same samples always give the same bytes. `read_aiff` reads any
uncompressed 8/16/24/32-bit AIFF (or AIFF-C marked uncompressed), so a real seed's clips can be read back too;
`AIFF_READER` is the same reader as source text for the standalone ladder scripts.
"""

from __future__ import annotations

import math
import struct
from pathlib import Path

import numpy as np

__all__ = ["AIFF_READER", "aiff_bytes", "extended", "read_aiff", "write_aiff"]


def extended(value: float) -> bytes:
    """`value` (>= 0) as the 80-bit IEEE 754 extended float AIFF stores the sample rate in (big-endian)."""
    if value <= 0:
        return bytes(10)
    mantissa, exponent = math.frexp(float(value))  # value = mantissa * 2**exponent, 0.5 <= mantissa < 1
    return struct.pack(">HQ", exponent - 1 + 16383, int(mantissa * 2.0 ** 64))


def aiff_bytes(samples: np.ndarray, rate: int) -> bytes:
    """A mono 16-bit PCM AIFF of these int16 samples at `rate` samples/s.

    Raises:
        ValueError: when the samples are not one-dimensional int16.
    """
    if samples.ndim != 1 or samples.dtype != np.int16:
        raise ValueError(f"AIFF samples must be 1-d int16, got {samples.dtype} of shape {samples.shape}")
    comm = struct.pack(">hIh", 1, len(samples), 16) + extended(rate)
    ssnd = struct.pack(">II", 0, 0) + samples.astype(">i2").tobytes()
    body = b"AIFF" + b"COMM" + struct.pack(">I", len(comm)) + comm
    body += b"SSND" + struct.pack(">I", len(ssnd)) + ssnd + (b"\0" if len(ssnd) % 2 else b"")
    return b"FORM" + struct.pack(">I", len(body)) + body


def write_aiff(path: Path, samples: np.ndarray, rate: int) -> None:
    """Write `aiff_bytes(samples, rate)` to `path`."""
    Path(path).write_bytes(aiff_bytes(samples, rate))


# Source text so that the ladder scripts (which import nothing from sandmle) read AIFF exactly as `read_aiff` does.
AIFF_READER = '''def read_aiff(blob):
    """(samples as floats in [-1, 1] with channels averaged, sample rate) of an uncompressed AIFF file's bytes."""
    import struct
    if blob[:4] != b"FORM" or blob[8:12] not in (b"AIFF", b"AIFC"):
        raise ValueError("not an AIFF file (FORM/AIFF or FORM/AIFC header missing)")
    pos, comm, data = 12, None, None
    while pos + 8 <= len(blob):
        name, size = blob[pos:pos + 4], struct.unpack(">I", blob[pos + 4:pos + 8])[0]
        chunk = blob[pos + 8:pos + 8 + size]
        if name in (b"COMM", b"SSND") and len(chunk) < {b"COMM": 18, b"SSND": 8}[name]:
            raise ValueError(f"truncated AIFF {name.decode()} chunk ({len(chunk)} bytes)")
        if name == b"COMM":
            channels, frames, bits = struct.unpack(">hIh", chunk[:8])
            exponent, mantissa = struct.unpack(">HQ", chunk[8:18])
            rate = mantissa * 2.0 ** (exponent - 16383 - 63) if exponent else 0.0
            comm = (channels, frames, bits, int(round(rate)))
            if blob[8:12] == b"AIFC" and chunk[18:22] not in (b"NONE", b"twos"):
                raise ValueError(f"compressed AIFF-C ({chunk[18:22]!r}) is not read here")
        elif name == b"SSND":
            offset = struct.unpack(">I", chunk[:4])[0]
            data = chunk[8 + offset:]
        pos += 8 + size + (size % 2)
    if comm is None or data is None:
        raise ValueError("AIFF file without a COMM and an SSND chunk")
    channels, frames, bits, rate = comm
    width = bits // 8
    if bits not in (8, 16, 24, 32) or channels < 1:
        raise ValueError(f"AIFF with {bits}-bit samples and {channels} channels is not read here")
    raw = np.frombuffer(data[: frames * channels * width], dtype=np.uint8).reshape(-1, width)
    if width == 3:
        raw = np.hstack([raw, np.zeros((len(raw), 1), dtype=np.uint8)])
    dtype = {1: ">i1", 2: ">i2", 3: ">i4", 4: ">i4"}[width]
    scale = float(2 ** (8 * (4 if width == 3 else width) - 1))  # 24-bit samples were padded to 32 bits
    x = np.ascontiguousarray(raw).view(dtype).astype(np.float64).ravel() / scale
    return x.reshape(-1, channels).mean(1), rate
'''

_namespace: dict[str, object] = {"np": np}
exec(compile(AIFF_READER, "<aiff reader>", "exec"), _namespace)  # one reader for sandmle and the ladder scripts


def read_aiff(blob: bytes) -> tuple[np.ndarray, int]:
    """(samples in [-1, 1], channels averaged; sample rate) of an uncompressed AIFF's bytes.

    Raises:
        ValueError: when the bytes are not an uncompressed AIFF with COMM and SSND chunks.
    """
    return _namespace["read_aiff"](blob)  # type: ignore[operator]
