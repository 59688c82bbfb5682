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
    body = payload or {"o": origin, "c": chain or [], "iat": iat, "exp": iat + ttl, "n": "bm9uY2U", "v": "v1"}
    raw = json.dumps(body, separators=(",", ":")).encode()
    return f"{b64url(raw)}.{b64url(sign(seed, raw))}"


def node_tokens() -> Dict[str, Any]:
    with open(os.path.join(HERE, "fixtures", "node_tokens.json"), encoding="utf-8") as handle:
        return json.load(handle)


ACCOUNT = "123456789012"
X = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:X"
CONSUMER = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:order-consumer"
WRITER = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:ledger-writer"
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
        X: {"function": X, "name": "X", "conduit": True, "blocked": {U: blocked("table/DB-1", "dynamodb:PutItem")}},
        CONSUMER: {"function": CONSUMER, "name": "order-consumer", "conduit": True, "blocked": {}},
        WRITER: {
            "function": WRITER,
            "name": "ledger-writer",
            "conduit": False,
            "blocked": {MALLORY: blocked("table/ledger", "dynamodb:PutItem"), OPS_ROLE: blocked("table/ledger", "dynamodb:PutItem")},
        },
    },
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
