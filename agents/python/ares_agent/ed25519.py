"""Ed25519 signature verification (RFC 8032 section 5.1.7) and signing (5.1.6) in pure Python, standard library only.

Agents hold only the public key, so only verification is here. Points use extended twisted Edwards coordinates
(X:Y:Z:T) with x = X/Z, y = Y/Z, x*y = T/Z (RFC 8032 section 5.1.4); the fixed base point B uses a precomputed
4-bit-window table so [S]B costs 64 additions, and [k]A uses a 4-bit window (256 doublings, 64 additions).
"""

from __future__ import annotations

import hashlib

__all__ = ["verify", "decode_point", "InvalidPoint"]

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
D2 = 2 * D % P
SQRT_M1 = pow(2, (P - 1) // 4, P)

_Point = tuple  # (X, Y, Z, T)
IDENTITY: _Point = (0, 1, 1, 0)


class InvalidPoint(ValueError):
    """The 32 bytes do not encode a point of the curve (RFC 8032 section 5.1.3 decoding failed)."""


def _add(p1: _Point, p2: _Point) -> _Point:
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = t1 * D2 * t2 % P
    d = z1 * 2 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _double(p1: _Point) -> _Point:
    x1, y1, z1, _ = p1
    a = x1 * x1 % P
    b = y1 * y1 % P
    c = 2 * z1 * z1 % P
    h = a + b
    xy = x1 + y1
    e = h - xy * xy % P
    g = a - b
    f = c + g
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _encode(point: _Point) -> bytes:
    x, y, z, _ = point
    zinv = pow(z, P - 2, P)
    x = x * zinv % P
    y = y * zinv % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def decode_point(data: bytes) -> _Point:
    """RFC 8032 section 5.1.3; rejects non-canonical y and the (x = 0, sign = 1) encoding."""
    if len(data) != 32:
        raise InvalidPoint("a point is 32 bytes")
    value = int.from_bytes(data, "little")
    sign = value >> 255
    y = value & ((1 << 255) - 1)
    if y >= P:
        raise InvalidPoint("y is not reduced")
    yy = y * y % P
    u = (yy - 1) % P
    v = (D * yy + 1) % P
    # x = u/v ** ((p+3)/8), computed as u v^3 (u v^7)^((p-5)/8) (RFC 8032 section 5.1.3 step 2).
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    vxx = v * x * x % P
    if vxx == u:
        pass
    elif vxx == (-u) % P:
        x = x * SQRT_M1 % P
    else:
        raise InvalidPoint("no square root: not on the curve")
    if x == 0 and sign == 1:
        raise InvalidPoint("x is 0 but the sign bit is set")
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


_BY = 4 * pow(5, P - 2, P) % P
_BASE = decode_point(_BY.to_bytes(32, "little"))


def _base_table() -> list:
    """table[i][j] = j * 16**i * B for i < 64, j < 16."""
    table = []
    point = _BASE
    for _ in range(64):
        row = [IDENTITY, point]
        for _ in range(14):
            row.append(_add(row[-1], point))
        table.append(row)
        for _ in range(4):
            point = _double(point)
    return table


_BASE_TABLE = _base_table()


def _base_multiply(scalar: int) -> _Point:
    result = IDENTITY
    for i in range(64):
        nibble = (scalar >> (4 * i)) & 15
        if nibble:
            result = _add(result, _BASE_TABLE[i][nibble])
    return result


def _multiply(scalar: int, point: _Point) -> _Point:
    multiples = [IDENTITY, point]
    for _ in range(14):
        multiples.append(_add(multiples[-1], point))
    result = IDENTITY
    for i in range(63, -1, -1):
        result = _double(_double(_double(_double(result))))
        nibble = (scalar >> (4 * i)) & 15
        if nibble:
            result = _add(result, multiples[nibble])
    return result


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True when `signature` is a valid Ed25519 signature of `message` under the 32-byte `public_key`.

    Uses the cofactorless equation [S]B = R + [k]A, which RFC 8032 section 5.1.7 allows and which OpenSSL (and so
    Node's crypto.verify, the issuer's side) checks; never raises on bad input.
    """
    if len(public_key) != 32 or len(signature) != 64:
        return False
    try:
        a = decode_point(public_key)
        decode_point(signature[:32])
    except InvalidPoint:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % L
    neg_a = ((-a[0]) % P, a[1], a[2], (-a[3]) % P)
    # [S]B - [k]A must encode to exactly the R bytes of the signature.
    check = _add(_base_multiply(s), _multiply(k, neg_a))
    return _encode(check) == signature[:32]


def sign(seed: bytes, message: bytes) -> bytes:
    """The Ed25519 signature (RFC 8032 section 5.1.6) of `message` under the 32-byte private key `seed`.

    Not constant-time: pure Python cannot promise that. It signs hop tokens inside a function, where the timing an
    attacker could observe is one invocation's latency, among much larger noise.
    """
    if len(seed) != 32:
        raise ValueError("an Ed25519 private key is 32 bytes")
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    public = _encode(_base_multiply(a))
    r = int.from_bytes(hashlib.sha512(h[32:] + message).digest(), "little") % L
    big_r = _encode(_base_multiply(r))
    k = int.from_bytes(hashlib.sha512(big_r + public + message).digest(), "little") % L
    s = (r + k * a) % L
    return big_r + s.to_bytes(32, "little")
