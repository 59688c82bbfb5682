"""Who asked: the requester of an invocation, from the platform's verified identity or the signed caller context.

Platform-verified identities come first (API Gateway REST `requestContext.identity.userArn`, HTTP API and function
URL `requestContext.authorizer.iam.userArn`, an SQS `SenderId` or S3 `principalId` the profile knows); otherwise the propagated context
(`{"__ares": ..., "payload": ...}` envelope, `ClientContext.custom.ares`, the SQS/SNS message attribute `ares`,
EventBridge `detail._ares`). A batch (SQS, SNS) yields one requester per record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, List, Optional, Tuple

from .caller_context import VerifyResult, decode_propagated

ENVELOPE_KEY = "__ares"
ATTRIBUTE = "ares"
DETAIL_KEY = "_ares"


@dataclass
class Requester:
    """`name` is the raw run-time name (ARN, unique id, or a token's origin); None when there is no verifiable one."""

    name: Optional[str]
    source: str
    token: Optional[str] = None
    #: the unsigned hops appended after the token's own chain
    hops: List[str] = field(default_factory=list)
    #: why a token that was present is no context (malformed, bad-signature, expired, not-yet-valid, no-public-key)
    invalid: Optional[str] = None


#: checks a token (`token`, the SQS SenderId it came with when that names no requester) for this function
Verify = Callable[[str, Optional[str]], VerifyResult]


def _get(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _from_token(value: Any, source: str, verify: Verify, sender: Optional[str] = None) -> Requester:
    if not isinstance(value, str):
        return Requester(None, source, invalid="malformed")
    token, _ = decode_propagated(value)
    result = verify(token, sender)
    if not result.valid or result.context is None:
        return Requester(None, source, invalid=result.reason)
    return Requester(result.context.origin, source, token=token, hops=list(result.context.chain))


def _client_context_custom(context: Any) -> Any:
    client_context = getattr(context, "client_context", None)
    if client_context is None and isinstance(context, dict):
        client_context = context.get("client_context")
    if client_context is None:
        return None
    if isinstance(client_context, dict):
        custom = client_context.get("custom", client_context.get("Custom"))
    else:
        custom = getattr(client_context, "custom", None)
    return custom if isinstance(custom, dict) else None


def _sns_attribute(notification: Any) -> Any:
    return _get(notification, "MessageAttributes", ATTRIBUTE, "Value")


def _record_requester(record: Any, verify: Verify, knows: Callable[[str], bool], claims: bool) -> Requester:
    if not isinstance(record, dict):
        return Requester(None, "record")
    if record.get("eventSource") == "aws:sqs":
        sender = _get(record, "attributes", "SenderId")
        if isinstance(sender, str) and knows(sender):
            if claims:
                return Requester(sender, "sqs-sender-id")
            return Requester(None, "sqs-sender-id", invalid="untrusted-claim")
        value = _get(record, "messageAttributes", ATTRIBUTE, "stringValue")
        if value is not None:
            return _from_token(value, "sqs-attribute", verify, sender if isinstance(sender, str) and sender else None)
        # SNS to SQS without raw delivery: the body is the SNS notification, its attributes inside.
        body = record.get("body")
        if isinstance(body, str) and body.startswith("{") and '"TopicArn"' in body:
            try:
                value = _sns_attribute(json.loads(body))
            except ValueError:
                value = None
            if value is not None:
                return _from_token(value, "sns-attribute", verify)
        return Requester(None, "sqs")
    if record.get("eventSource") == "aws:s3":
        principal = _get(record, "userIdentity", "principalId")
        if isinstance(principal, str) and principal:
            principal = principal[4:] if principal.startswith("AWS:") else principal
            if knows(principal):
                if claims:
                    return Requester(principal, "s3-principal")
                return Requester(None, "s3-principal", invalid="untrusted-claim")
        return Requester(None, "s3")
    if record.get("EventSource") == "aws:sns":
        value = _sns_attribute(record.get("Sns"))
        return _from_token(value, "sns-attribute", verify) if value is not None else Requester(None, "sns")
    return Requester(None, "record")


def extract_requesters(
    event: Any, context: Any, verify: Verify, knows: Callable[[str], bool], claims: bool = True
) -> Tuple[List[Requester], Any]:
    """The requesters of one invocation, and the event the handler should see (an ares envelope removed).

    `claims`: whether identities read from the event count here (the table's `eventClaims`): a direct invoker
    writes the whole event, so where someone who matters may invoke directly they are claims and count as none.
    """
    for path, source in ((("identity",), "apigateway-iam"), (("authorizer", "iam"), "http-api-iam")):
        user_arn = _get(event, "requestContext", *path, "userArn")
        if isinstance(user_arn, str) and user_arn:
            if not claims:
                return [Requester(None, source, invalid="untrusted-claim")], event
            return [Requester(user_arn, source)], event
    if isinstance(event, dict) and ENVELOPE_KEY in event and "payload" in event:
        return [_from_token(event[ENVELOPE_KEY], "envelope", verify)], event["payload"]
    custom = _client_context_custom(context)
    if custom is not None and ATTRIBUTE in custom:
        return [_from_token(custom[ATTRIBUTE], "client-context", verify)], event
    records = _get(event, "Records")
    if isinstance(records, list) and records:
        return [_record_requester(record, verify, knows, claims) for record in records], event
    detail = _get(event, "detail")
    if isinstance(detail, dict) and DETAIL_KEY in detail and "detail-type" in event:
        return [_from_token(detail[DETAIL_KEY], "eventbridge-detail", verify)], event
    return [Requester(None, "none")], event
