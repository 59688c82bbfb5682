"""`with_ares`: wraps a Lambda handler `(event, context)` so it refuses invocations that would carry out a bypass.

Configuration is read once, at cold start; each invocation then costs a dictionary lookup, plus one signature check
(about 2 ms in pure Python, cached per token) when the requester arrives as a signed caller context.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any, Callable, Dict, Optional, Union

from . import state
from .block_table import BlockTable
from .caller_context import VerifyResult, encode_propagated, verify_caller_context
from .decision import UNKNOWN_REQUESTER_POLICIES, Decision, decide
from .errors import AgentConfigError, ARESBlocked
from .keys import parse_public_key_pem
from .requester import Requester, extract_requesters

logger = logging.getLogger("ares")

Handler = Callable[[Any, Any], Any]


class _Config:
    def __init__(
        self,
        block_table: Union[None, BlockTable, Dict[str, Any]],
        block_table_file: Optional[str],
        public_key_pem: Optional[str],
        unknown_requester: str,
    ) -> None:
        if unknown_requester not in UNKNOWN_REQUESTER_POLICIES:
            raise AgentConfigError(f"unknown_requester must be one of {', '.join(UNKNOWN_REQUESTER_POLICIES)}")
        self.unknown_requester = unknown_requester
        if isinstance(block_table, BlockTable):
            self.table = block_table
        elif block_table is not None:
            self.table = BlockTable(block_table)
        else:
            path = block_table_file or os.environ.get("ARES_BLOCK_TABLE_FILE")
            if not path:
                raise AgentConfigError("no block table: pass block_table or block_table_file, or set ARES_BLOCK_TABLE_FILE")
            self.table = BlockTable.from_file(path)
        pem = public_key_pem or os.environ.get("ARES_PUBLIC_KEY")
        key_file = os.environ.get("ARES_PUBLIC_KEY_FILE")
        if pem is None and key_file:
            try:
                with open(key_file, "r", encoding="utf-8") as handle:
                    pem = handle.read()
            except OSError as error:
                raise AgentConfigError(f"{key_file}: cannot read the public key: {error.strerror}") from None
        self.public_key: Optional[bytes] = parse_public_key_pem(pem) if pem else None

    def verify(self, token: str) -> VerifyResult:
        if self.public_key is None:
            return VerifyResult(False, reason="no-public-key")
        return verify_caller_context(token, self.public_key)


def _function_names(context: Any) -> "tuple[Optional[str], Optional[str]]":
    arn = getattr(context, "invoked_function_arn", None)
    name = getattr(context, "function_name", None)
    if isinstance(context, dict):
        arn = arn or context.get("invoked_function_arn")
        name = name or context.get("function_name")
    return (arn if isinstance(arn, str) else None, name if isinstance(name, str) else None)


def _decide_all(config: _Config, entry: Optional[Dict[str, Any]], requesters: "list[Requester]") -> Decision:
    first: Optional[Decision] = None
    for requester in requesters:
        origin = config.table.principal(requester.name) if requester.name is not None else None
        decision = decide(entry, origin, config.unknown_requester)
        if decision.block:
            if requester.invalid:
                return Decision(True, decision.reason, None, f"caller context {requester.invalid}")
            return decision
        first = first or decision
    return first or Decision(False, "no-requester", None)


def with_ares(
    handler: Optional[Handler] = None,
    *,
    block_table: Union[None, BlockTable, Dict[str, Any]] = None,
    block_table_file: Optional[str] = None,
    public_key_pem: Optional[str] = None,
    unknown_requester: str = "block-conduits",
    fail_closed: bool = True,
    install_hooks: bool = True,
) -> Any:
    """Wraps `handler`, or returns a decorator when called without one (`@with_ares(block_table_file=...)`).

    The block table comes from `block_table` (a dict or BlockTable), `block_table_file`, or $ARES_BLOCK_TABLE_FILE;
    the issuer's public key from `public_key_pem`, $ARES_PUBLIC_KEY or $ARES_PUBLIC_KEY_FILE (without one every
    token is rejected). `unknown_requester`: "block-conduits" (default), "block" or "allow". With `fail_closed`, an
    agent that cannot load its configuration or fails inside blocks every invocation; otherwise the handler runs.
    """
    if handler is None:
        return lambda inner: with_ares(
            inner,
            block_table=block_table,
            block_table_file=block_table_file,
            public_key_pem=public_key_pem,
            unknown_requester=unknown_requester,
            fail_closed=fail_closed,
            install_hooks=install_hooks,
        )
    config: Optional[_Config]
    config_error: Optional[str] = None
    try:
        config = _Config(block_table, block_table_file, public_key_pem, unknown_requester)
    except AgentConfigError as error:
        if unknown_requester not in UNKNOWN_REQUESTER_POLICIES:
            raise
        config, config_error = None, str(error)
        logger.error("ares agent not configured: %s", config_error)
    if install_hooks:
        from .boto3_hooks import install

        install()

    @functools.wraps(handler)
    def wrapped(event: Any, context: Any) -> Any:
        arn, name = _function_names(context)
        if config is None:
            if fail_closed:
                raise ARESBlocked(None, arn or name, "no-block-table", config_error or "")
            return handler(event, context)
        try:
            entry = config.table.function(arn, name)
            function_id = entry.get("function") if entry is not None else None
            if not isinstance(function_id, str):
                function_id = ":".join(arn.split(":")[:7]) if arn else name
            requesters, inner_event = extract_requesters(event, context, config.verify, config.table.knows)
            decision = _decide_all(config, entry, requesters)
        except Exception as error:  # a bug in the agent must not decide silently
            logger.exception("ares agent failed")
            if fail_closed:
                raise ARESBlocked(None, arn or name, "agent-error", repr(error)) from error
            return handler(event, context)
        if decision.block:
            logger.warning(
                "ares blocked origin=%s function=%s reason=%s source=%s %s",
                decision.origin,
                function_id,
                decision.reason,
                requesters[0].source,
                decision.detail,
            )
            raise ARESBlocked(decision.origin, function_id, decision.reason, decision.detail)
        # A batch whose records carry different contexts passes on the first one's; with no token there is nothing
        # to pass on (agents cannot sign), and the next function sees an unknown requester.
        carrier = next((r for r in requesters if r.token is not None), None)
        propagated = None
        if carrier is not None and carrier.token is not None:
            propagated = encode_propagated(carrier.token, carrier.hops + [function_id or ""])
        token = state.enter(
            state.InvocationState(
                function=function_id, origin=decision.origin, source=requesters[0].source, propagated=propagated
            )
        )
        try:
            return handler(inner_event, context)
        finally:
            state.leave(token)

    return wrapped

