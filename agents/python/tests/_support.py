"""Test helpers: an RFC 8032 Ed25519 signer (tests only: agents never sign), tokens, keys and Lambda shapes."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import sys
import time
from types import SimpleNamespace
from typing import Any, Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from ares_agent import ed25519  # noqa: E402

logging.getLogger("ares").setLevel(logging.CRITICAL + 1)  # blocks are expected here; keep the output readable

SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


def public_key(seed: bytes) -> bytes:
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return ed25519._encode(ed25519._base_multiply(a))


def sign(seed: bytes, message: bytes) -> bytes:
    """RFC 8032 section 5.1.6."""
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    pub = ed25519._encode(ed25519._base_multiply(a))
    r = int.from_bytes(hashlib.sha512(h[32:] + message).digest(), "little") % ed25519.L
    big_r = ed25519._encode(ed25519._base_multiply(r))
    k = int.from_bytes(hashlib.sha512(big_r + pub + message).digest(), "little") % ed25519.L
    s = (r + k * a) % ed25519.L
    return big_r + s.to_bytes(32, "little")


def pem(seed: bytes) -> str:
    body = base64.b64encode(SPKI_PREFIX + public_key(seed)).decode()
    return f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


SEED = bytes(range(32))
OTHER_SEED = bytes(range(1, 33))
PEM = pem(SEED)


def make_token(
    origin: str,
    chain: Optional[List[str]] = None,
    seed: bytes = SEED,
    iat: Optional[int] = None,
    ttl: int = 300,
    payload: Optional[Dict[str, Any]] = None,
) -> str:
    iat = int(time.time()) if iat is None else iat
    # A root token, as ares serve mints it for one invocation of chain[0] (default X), with a fresh nonce.
    body = payload or {
        "o": origin, "c": chain or [X], "iat": iat, "exp": iat + ttl, "n": b64url(os.urandom(12)), "v": "v1"
    }
    raw = json.dumps(body, separators=(",", ":")).encode()
    return f"{b64url(raw)}.{b64url(sign(seed, raw))}"


def node_tokens() -> Dict[str, Any]:
    with open(os.path.join(HERE, "fixtures", "node_tokens.json"), encoding="utf-8") as handle:
        return json.load(handle)


ACCOUNT = "123456789012"
X = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:X"
CONSUMER = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:order-consumer"
WRITER = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:ledger-writer"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:order-events"
#: each function's own signing key (ares keys --functions), as 32-byte seeds
FN_SEEDS = {X: bytes(range(2, 34)), CONSUMER: bytes(range(3, 35)), WRITER: bytes(range(4, 36))}
PKCS8_PREFIX = bytes.fromhex("302e020100300506032b657004220420")


def private_pem(seed: bytes) -> str:
    body = base64.b64encode(PKCS8_PREFIX + seed).decode()
    return f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n"


def signer_b64(seed: bytes) -> str:
    return base64.b64encode(SPKI_PREFIX + public_key(seed)).decode()


def make_hop(
    origin: str,
    issuer: str = CONSUMER,
    audience: str = "",
    seed: Optional[bytes] = None,
    iat: Optional[int] = None,
    ttl: int = 900,
) -> str:
    """A hop token: `issuer`'s agent vouching for `origin` on its hop to `audience` (default: order-events)."""
    iat = int(time.time()) if iat is None else iat
    body = {
        "o": origin, "c": [issuer], "iat": iat, "exp": iat + ttl, "n": b64url(os.urandom(12)), "v": "v1",
        "i": issuer, "a": audience or TOPIC, "p": "",
    }
    raw = json.dumps(body, separators=(",", ":")).encode()
    return f"{b64url(raw)}.{b64url(sign(seed or FN_SEEDS[issuer], raw))}"
U = f"arn:aws:iam::{ACCOUNT}:user/U"
V = f"arn:aws:iam::{ACCOUNT}:user/V"
MALLORY = f"arn:aws:iam::{ACCOUNT}:user/mallory"
OPS_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ops"


def blocked(resource: str, action: str) -> List[Dict[str, str]]:
    return [{"resource": resource, "action": action, "denial": "explicit", "findingId": "ARES-test"}]


TABLE: Dict[str, Any] = {
    "version": "v1",
    "createdAt": "2026-01-01T00:00:00Z",
    "functions": {
        # U may invoke X directly and is blocked there: U arrives unvouched, and could write any event claim.
        X: {
            "function": X, "name": "X", "conduit": True, "blocked": {U: blocked("table/DB-1", "dynamodb:PutItem")},
            "unvouched": [U], "eventClaims": False, "upstream": {},
        },
        CONSUMER: {
            "function": CONSUMER, "name": "order-consumer", "conduit": True, "blocked": {},
            "unvouched": [], "eventClaims": True, "upstream": {},
        },
        WRITER: {
            "function": WRITER,
            "name": "ledger-writer",
            "conduit": False,
            "blocked": {MALLORY: blocked("table/ledger", "dynamodb:PutItem"), OPS_ROLE: blocked("table/ledger", "dynamodb:PutItem")},
            "unvouched": [], "eventClaims": True, "upstream": {CONSUMER: [TOPIC], X: [WRITER]},
        },
    },
    "signers": {fid: signer_b64(seed) for fid, seed in FN_SEEDS.items()},
    "functionIds": {"X": X, "order-consumer": CONSUMER, "ledger-writer": WRITER},
    "principalIds": {
        U: U,
        "U": U,
        "AIDAUUUUUUUUUUUUUUUUU": U,
        V: V,
        MALLORY: MALLORY,
        "AIDAMALLORYMALLORYMA": MALLORY,
        OPS_ROLE: OPS_ROLE,
        f"arn:aws:sts::{ACCOUNT}:assumed-role/ops": OPS_ROLE,
        "AROAOPSOPSOPSOPSOPSO": OPS_ROLE,
    },
}


def context(function_arn: str, client_context: Optional[Dict[str, Any]] = None) -> SimpleNamespace:
    """A Lambda context object as the Python runtime builds it."""
    name = function_arn.rsplit(":", 1)[-1]
    cc = SimpleNamespace(custom=client_context, env=None, client=None) if client_context is not None else None
    return SimpleNamespace(
        function_name=name,
        invoked_function_arn=function_arn,
        aws_request_id="req-1",
        client_context=cc,
    )


def api_gateway_event(user_arn: str) -> Dict[str, Any]:
    return {"resource": "/", "httpMethod": "POST", "body": "{}", "requestContext": {"identity": {"userArn": user_arn}}}


def http_api_event(user_arn: str) -> Dict[str, Any]:
    return {"version": "2.0", "requestContext": {"authorizer": {"iam": {"userArn": user_arn}}}, "body": "{}"}


def sqs_event(*attributes: Optional[str], sender: str = "AROAFUNCTIONROLE:order-consumer") -> Dict[str, Any]:
    records = []
    for index, value in enumerate(attributes):
        record: Dict[str, Any] = {
            "messageId": str(index),
            "eventSource": "aws:sqs",
            "body": "{}",
            "attributes": {"SenderId": sender},
            "messageAttributes": {},
        }
        if value is not None:
            record["messageAttributes"]["ares"] = {"stringValue": value, "dataType": "String"}
        records.append(record)
    return {"Records": records}


def sns_event(value: str) -> Dict[str, Any]:
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "Sns": {"Message": "{}", "MessageAttributes": {"ares": {"Type": "String", "Value": value}}},
            }
        ]
    }


def eventbridge_event(value: str) -> Dict[str, Any]:
    return {"version": "0", "detail-type": "order", "source": "shop", "detail": {"id": 1, "_ares": value}}


def import_boto3() -> Any:
    """boto3, or None. Debian's python3-boto3 lives in dist-packages, which a non-Debian python3 does not search."""
    try:
        import boto3  # noqa: F401

        return boto3
    except ImportError:
        pass
    for path in ("/usr/lib/python3/dist-packages",):
        if os.path.isdir(path) and path not in sys.path:
            sys.path.append(path)
    try:
        import boto3  # noqa: F401,F811

        return boto3
    except ImportError:
        return None


def encode(hop: str) -> str:
    from urllib.parse import quote

    return quote(hop, safe="-_.!~*'()")


class HopFrom:
    """Equal to a hop token that `issuer` signed with its own key, vouching for `origin`, started by `parent`."""

    def __init__(self, issuer: str, origin: str, parent: str) -> None:
        self.issuer, self.origin, self.parent = issuer, origin, parent

    def __eq__(self, other: object) -> bool:
        from ares_agent.caller_context import read_token, token_digest, verify_caller_context

        if not isinstance(other, str):
            return False
        claim = read_token(other)
        if claim is None or claim.issuer != self.issuer or claim.origin != self.origin:
            return False
        if claim.parent != token_digest(self.parent) or not claim.audience:
            return False
        return verify_caller_context(other, public_key(FN_SEEDS[self.issuer])).valid

    def __repr__(self) -> str:
        return f"HopFrom({self.issuer!r}, {self.origin!r})"
