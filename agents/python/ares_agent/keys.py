"""Ed25519 public keys in PEM (SubjectPublicKeyInfo), the form `ares keys` and Node's crypto export them in.

The DER of an Ed25519 SPKI is fixed: a 12-byte prefix (SEQUENCE, AlgorithmIdentifier id-Ed25519 1.3.101.112,
BIT STRING header) followed by the 32 key bytes, so no general ASN.1 parser is needed.
"""

from __future__ import annotations

import base64
import binascii

from .errors import AgentConfigError

_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


def parse_public_key_pem(pem: str) -> bytes:
    """The 32 raw key bytes of a `-----BEGIN PUBLIC KEY-----` Ed25519 PEM; AgentConfigError otherwise."""
    if not isinstance(pem, str):
        raise AgentConfigError("public key must be a PEM string")
    lines = [line.strip() for line in pem.strip().splitlines() if line.strip()]
    if len(lines) < 3 or lines[0] != "-----BEGIN PUBLIC KEY-----" or lines[-1] != "-----END PUBLIC KEY-----":
        raise AgentConfigError("public key is not a PEM 'PUBLIC KEY' block")
    try:
        der = base64.b64decode("".join(lines[1:-1]), validate=True)
    except (binascii.Error, ValueError) as error:
        raise AgentConfigError(f"public key PEM body is not base64: {error}") from None
    if len(der) != len(_SPKI_PREFIX) + 32 or not der.startswith(_SPKI_PREFIX):
        raise AgentConfigError("public key is not an Ed25519 SubjectPublicKeyInfo")
    return der[len(_SPKI_PREFIX):]


_PKCS8_PREFIX = bytes.fromhex("302e020100300506032b657004220420")


def _pem_body(pem: str, label: str) -> bytes:
    lines = [line.strip() for line in pem.strip().splitlines() if line.strip()]
    if len(lines) < 3 or lines[0] != f"-----BEGIN {label}-----" or lines[-1] != f"-----END {label}-----":
        raise AgentConfigError(f"key is not a PEM '{label}' block")
    try:
        return base64.b64decode("".join(lines[1:-1]), validate=True)
    except (binascii.Error, ValueError) as error:
        raise AgentConfigError(f"key PEM body is not base64: {error}") from None


def parse_private_key_pem(pem: str) -> bytes:
    """The 32-byte seed of a `-----BEGIN PRIVATE KEY-----` Ed25519 PKCS#8 PEM (as `ares keys --functions` writes)."""
    if not isinstance(pem, str):
        raise AgentConfigError("private key must be a PEM string")
    der = _pem_body(pem, "PRIVATE KEY")
    if len(der) != len(_PKCS8_PREFIX) + 32 or not der.startswith(_PKCS8_PREFIX):
        raise AgentConfigError("private key is not an Ed25519 PKCS#8 key")
    return der[len(_PKCS8_PREFIX):]


def parse_public_key_der_b64(text: str) -> bytes:
    """The 32 raw key bytes of a base64 SPKI DER (the block table's `signers`)."""
    try:
        der = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise AgentConfigError("signer key is not base64") from None
    if len(der) != len(_SPKI_PREFIX) + 32 or not der.startswith(_SPKI_PREFIX):
        raise AgentConfigError("signer key is not an Ed25519 SubjectPublicKeyInfo")
    return der[len(_SPKI_PREFIX):]
