"""The signed caller context, verified: the Python twin of src/agent/callerContext.ts.

A token is `<base64url(JSON payload)>.<base64url(Ed25519 signature over the payload bytes)>`, payload
`{"o": origin, "c": [chain], "iat", "exp", "n": nonce, "v": version}`. Between hops it travels as
`<token>~<hop>,<hop>`: agents append their function id, unsigned (they hold no private key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from typing import List, Optional, Tuple
from urllib.parse import quote, unquote

from . import ed25519

MAX_TOKEN_BYTES = 3000
SKEW_SECONDS = 30
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class CallerContext:
    origin: str
    chain: Tuple[str, ...]
    iat: float
    exp: float
    nonce: str
    version: str
    #: hop tokens only: the function that signed it, the resource it was minted for, the parent token's digest
    issuer: Optional[str] = None
    audience: Optional[str] = None
    parent: Optional[str] = None


@dataclass(frozen=True)
class VerifyResult:
    """`context` when valid; otherwise `reason` is malformed, bad-signature, expired or not-yet-valid."""

    valid: bool
    context: Optional[CallerContext] = None
    reason: Optional[str] = None


def _b64url_decode(text: str) -> Optional[bytes]:
    if not _B64URL.match(text) or len(text) % 4 == 1:
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _context_of(payload: object) -> Optional[CallerContext]:
    if not isinstance(payload, dict):
        return None
    o, c, iat, exp, n, v = (payload.get(k) for k in ("o", "c", "iat", "exp", "n", "v"))
    if not (isinstance(o, str) and isinstance(c, list) and all(isinstance(x, str) for x in c)):
        return None
    if not (_is_number(iat) and _is_number(exp) and isinstance(n, str) and isinstance(v, str)):
        return None
    i, a, p = (payload.get(k) for k in ("i", "a", "p"))
    if any(x is not None and not isinstance(x, str) for x in (i, a, p)):
        return None
    return CallerContext(
        origin=o, chain=tuple(c), iat=iat, exp=exp, nonce=n, version=v, issuer=i, audience=a, parent=p
    )


def read_token(token: object) -> Optional[CallerContext]:
    """What a token claims, unchecked (to learn its issuer, and so which key checks it); None if not a token."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_BYTES:
        return None
    dot = token.find(".")
    if dot <= 0 or dot != token.rfind("."):
        return None
    body = _b64url_decode(token[:dot])
    if body is None:
        return None
    try:
        return _context_of(json.loads(body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError):
        return None


HOP_TTL_SECONDS = 900


def token_digest(token: str) -> str:
    """The parent digest a hop token names (as src/agent/callerContext.ts tokenDigest)."""
    return base64.urlsafe_b64encode(hashlib.sha256(token.encode()).digest()).decode().rstrip("=")[:22]


def sign_hop_token(
    *, origin: str, chain: "List[str]", version: str, issuer: str, audience: str, parent: str, seed: bytes,
    now: Optional[int] = None, ttl: int = HOP_TTL_SECONDS,
) -> str:
    """A hop token signed with this function's own key: the Python twin of signHopToken."""
    iat = int(time.time()) if now is None else now
    payload = {
        "o": origin, "c": list(chain), "iat": iat, "exp": iat + ttl,
        "n": base64.urlsafe_b64encode(os.urandom(12)).decode().rstrip("="), "v": version,
        "i": issuer, "a": audience, "p": parent,
    }
    body = json.dumps(payload, separators=(",", ":")).encode()
    signature = ed25519.sign(seed, body)
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")
    return f"{b64(body)}.{b64(signature)}"


# Signatures already checked, by token: a retried or fanned-out message is verified once per container.
_verified: "dict[str, CallerContext]" = {}
_VERIFIED_MAX = 512


def verify_caller_context(token: object, public_key: bytes, now: Optional[float] = None) -> VerifyResult:
    """Verifies a token against a 32-byte Ed25519 public key; never raises."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_BYTES:
        return VerifyResult(False, reason="malformed")
    now = int(time.time()) if now is None else now
    cache_key = token + "|" + public_key.hex()
    context = _verified.get(cache_key)
    if context is None:
        dot = token.find(".")
        if dot <= 0 or dot != token.rfind("."):
            return VerifyResult(False, reason="malformed")
        body = _b64url_decode(token[:dot])
        signature = _b64url_decode(token[dot + 1 :])
        if body is None or signature is None or len(signature) != 64:
            return VerifyResult(False, reason="malformed")
        if not ed25519.verify(public_key, body, signature):
            return VerifyResult(False, reason="bad-signature")
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return VerifyResult(False, reason="malformed")
        context = _context_of(payload)
        if context is None:
            return VerifyResult(False, reason="malformed")
        if len(_verified) >= _VERIFIED_MAX:
            _verified.clear()
        _verified[cache_key] = context
    if context.exp + SKEW_SECONDS < now:
        return VerifyResult(False, reason="expired")
    if context.iat - SKEW_SECONDS > now:
        return VerifyResult(False, reason="not-yet-valid")
    return VerifyResult(True, context=context)


def encode_propagated(token: str, hops: "List[str] | Tuple[str, ...]") -> str:
    """`<token>~<hop>,<hop>` with hops URI-encoded as JavaScript's encodeURIComponent does."""
    if not hops:
        return token
    return token + "~" + ",".join(quote(hop, safe="-_.!~*'()") for hop in hops)


def decode_propagated(value: str) -> Tuple[str, List[str]]:
    tilde = value.find("~")
    if tilde < 0:
        return value, []
    hops = [unquote(hop) for hop in value[tilde + 1 :].split(",") if hop]
    return value[:tilde], hops
