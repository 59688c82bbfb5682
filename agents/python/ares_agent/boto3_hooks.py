"""Propagation through boto3: botocore `provide-client-params` hooks add the invocation's caller context to
Lambda Invoke (`ClientContext.custom.ares`; for `InvocationType="Event"`, which drops ClientContext, a
`{"__ares": ..., "payload": ...}` envelope around the JSON payload, as the Node agent does), SQS and SNS sends (message attribute `ares`) and EventBridge PutEvents
(`Detail._ares`), with no change to user code.

`install()` wraps `botocore.session.Session.create_client` so every client created afterwards gets the hooks;
`register_client(client)` adds them to a client created earlier. Hooks return a new parameter dict (botocore
uses the first non-None response) and never mutate the caller's objects. Limits are respected: ClientContext at
most 3,583 bytes of base64, at most 10 message attributes; a call that would exceed one goes out unchanged.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any, Callable, Dict, List, Optional

from . import state
from .requester import ATTRIBUTE, DETAIL_KEY, ENVELOPE_KEY

logger = logging.getLogger("ares")

MAX_CLIENT_CONTEXT_BASE64 = 3583
MAX_MESSAGE_ATTRIBUTES = 10
_MARK = "_ares_hooks_registered"


def _propagated(audience: Optional[str]) -> Optional[str]:
    """The hop token vouching for this invocation's origin on the hop to `audience`, if there is one to vouch for."""
    current = state.current()
    if current is None or current.vouch is None or not audience:
        return None
    return current.vouch(audience)


def _scope() -> "tuple[str, str, str]":
    """Partition, region and account of this function, from its ARN."""
    current = state.current()
    parts = (current.function or "").split(":") if current is not None else []
    if len(parts) >= 5 and parts[0] == "arn":
        return parts[1], parts[3], parts[4]
    return "aws", "", ""


def _lambda_audience(params: Dict[str, Any]) -> Optional[str]:
    name = params.get("FunctionName")
    if not isinstance(name, str) or not name:
        return None
    if name.startswith("arn:"):
        return ":".join(name.split(":")[:7])
    partition, region, account = _scope()
    return f"arn:{partition}:lambda:{region}:{account}:function:{name.split(':')[0]}"


def _queue_audience(params: Dict[str, Any]) -> Optional[str]:
    url = params.get("QueueUrl")
    if not isinstance(url, str):
        return None
    parts = url.rstrip("/").split("/")
    if len(parts) < 2:
        return None
    partition, region, _ = _scope()
    host = parts[2] if len(parts) > 2 else ""
    host_region = host.split(".")[1] if host.startswith("sqs.") and host.count(".") >= 2 else region
    return f"arn:{partition}:sqs:{host_region}:{parts[-2]}:{parts[-1]}"


def _bus_audience(params: Dict[str, Any]) -> Optional[str]:
    entries = params.get("Entries")
    bus = entries[0].get("EventBusName") if isinstance(entries, list) and entries and isinstance(entries[0], dict) else None
    if isinstance(bus, str) and bus.startswith("arn:"):
        return bus
    partition, region, account = _scope()
    return f"arn:{partition}:events:{region}:{account}:event-bus/{bus or 'default'}"


def _with_client_context(params: Dict[str, Any], value: str) -> Optional[Dict[str, Any]]:
    existing = params.get("ClientContext")
    document: Dict[str, Any] = {}
    if isinstance(existing, str) and existing:
        try:
            decoded = json.loads(base64.b64decode(existing, validate=True))
        except (binascii.Error, ValueError):
            return None  # not ours to rewrite
        if not isinstance(decoded, dict):
            return None
        document = decoded
    custom = document.get("custom")
    custom = dict(custom) if isinstance(custom, dict) else {}
    custom[ATTRIBUTE] = value
    encoded = base64.b64encode(json.dumps({**document, "custom": custom}, separators=(",", ":")).encode()).decode()
    if len(encoded) > MAX_CLIENT_CONTEXT_BASE64:
        logger.warning("ares: ClientContext would exceed %d bytes; caller context not propagated", MAX_CLIENT_CONTEXT_BASE64)
        return None
    return {**params, "ClientContext": encoded}


def _with_attribute(message: Dict[str, Any], value: str) -> Dict[str, Any]:
    attributes = message.get("MessageAttributes")
    attributes = dict(attributes) if isinstance(attributes, dict) else {}
    if ATTRIBUTE not in attributes and len(attributes) >= MAX_MESSAGE_ATTRIBUTES:
        logger.warning("ares: message already has %d attributes; caller context not propagated", len(attributes))
        return message
    attributes[ATTRIBUTE] = {"DataType": "String", "StringValue": value}
    return {**message, "MessageAttributes": attributes}


def _with_detail(entry: Any, value: str) -> Any:
    if not isinstance(entry, dict) or not isinstance(entry.get("Detail"), str):
        return entry
    try:
        detail = json.loads(entry["Detail"])
    except ValueError:
        return entry
    if not isinstance(detail, dict):
        return entry
    return {**entry, "Detail": json.dumps({**detail, DETAIL_KEY: value}, separators=(",", ":"))}


def _entries(params: Dict[str, Any], key: str, each: Callable[[Any, str], Any], value: str) -> Dict[str, Any]:
    entries = params.get(key)
    if not isinstance(entries, list):
        return params
    return {**params, key: [each(entry, value) if isinstance(entry, dict) else entry for entry in entries]}


def _with_envelope(params: Dict[str, Any], value: str) -> Optional[Dict[str, Any]]:
    """Asynchronous invokes drop ClientContext: the context rides in a `{"__ares", "payload"}` envelope instead."""
    payload = params.get("Payload", b"{}" if "Payload" not in params else None)
    if isinstance(payload, (bytes, bytearray)):
        payload = payload.decode("utf-8", errors="strict") if payload else "null"
    if not isinstance(payload, str):
        return None  # a stream: left alone
    try:
        inner = json.loads(payload) if payload else None
    except ValueError:
        return None
    body = json.dumps({ENVELOPE_KEY: value, "payload": inner}, separators=(",", ":")).encode()
    return {**params, "Payload": body}


def lambda_invoke(params: Dict[str, Any], **_: Any) -> Optional[Dict[str, Any]]:
    value = _propagated(_lambda_audience(params))
    if value is None:
        return None
    if params.get("InvocationType") == "Event":
        return _with_envelope(params, value)
    return _with_client_context(params, value)


def sqs_send(params: Dict[str, Any], **_: Any) -> Optional[Dict[str, Any]]:
    value = _propagated(_queue_audience(params))
    return _with_attribute(params, value) if value is not None else None


def sns_publish(params: Dict[str, Any], **_: Any) -> Optional[Dict[str, Any]]:
    topic = params.get("TopicArn")
    value = _propagated(topic if isinstance(topic, str) else None)
    return _with_attribute(params, value) if value is not None else None


#: kept for callers of the old name: SQS and SNS sends now name different audiences
message_send = sns_publish


def sqs_send_batch(params: Dict[str, Any], **_: Any) -> Optional[Dict[str, Any]]:
    value = _propagated(_queue_audience(params))
    return _entries(params, "Entries", _with_attribute, value) if value is not None else None


def sns_publish_batch(params: Dict[str, Any], **_: Any) -> Optional[Dict[str, Any]]:
    topic = params.get("TopicArn")
    value = _propagated(topic if isinstance(topic, str) else None)
    return _entries(params, "PublishBatchRequestEntries", _with_attribute, value) if value is not None else None


def events_put(params: Dict[str, Any], **_: Any) -> Optional[Dict[str, Any]]:
    value = _propagated(_bus_audience(params))
    return _entries(params, "Entries", _with_detail, value) if value is not None else None


HOOKS: List[tuple] = [
    ("provide-client-params.lambda.Invoke", lambda_invoke),
    ("provide-client-params.sqs.SendMessage", sqs_send),
    ("provide-client-params.sqs.SendMessageBatch", sqs_send_batch),
    ("provide-client-params.sns.Publish", sns_publish),
    ("provide-client-params.sns.PublishBatch", sns_publish_batch),
    ("provide-client-params.eventbridge.PutEvents", events_put),
]


def register_client(client: Any) -> Any:
    """Adds the hooks to one botocore/boto3 client (idempotent); returns the client."""
    if getattr(client, _MARK, False):
        return client
    for event, hook in HOOKS:
        client.meta.events.register(event, hook, unique_id=f"ares-{event}")
    try:
        setattr(client, _MARK, True)
    except AttributeError:
        pass
    return client


_installed = False


def install() -> bool:
    """Hooks every botocore client created from now on; False when botocore is not importable. Idempotent."""
    global _installed
    if _installed:
        return True
    try:
        import botocore.session
    except ImportError:
        return False
    original = botocore.session.Session.create_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        return register_client(original(self, *args, **kwargs))

    create_client.__wrapped__ = original  # type: ignore[attr-defined]
    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    _installed = True
    return True
