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
import json
import time
import urllib.request

from .caller_context import SKEW_SECONDS, VerifyResult, read_token, sign_hop_token, token_digest, verify_caller_context
from .decision import UNKNOWN_REQUESTER_POLICIES, Decision, decide
from .errors import AgentConfigError, ARESBlocked
from .keys import parse_private_key_pem, parse_public_key_der_b64, parse_public_key_pem
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
        signing_key_pem: Optional[str] = None,
        nonce_url: Optional[str] = None,
        nonce_fail_closed: bool = True,
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
        signing_pem = signing_key_pem or os.environ.get("ARES_SIGNING_KEY")
        signing_file = os.environ.get("ARES_SIGNING_KEY_FILE")
        if signing_pem is None and signing_file:
            try:
                with open(signing_file, "r", encoding="utf-8") as handle:
                    signing_pem = handle.read()
            except OSError as error:
                raise AgentConfigError(f"{signing_file}: cannot read the signing key: {error.strerror}") from None
        #: this function's own Ed25519 seed: with it the agent vouches for origins it verified, downstream
        self.signing_seed: Optional[bytes] = parse_private_key_pem(signing_pem) if signing_pem else None
        self.nonce_url = nonce_url or os.environ.get("ARES_NONCE_URL")
        self.api_token = os.environ.get("ARES_API_TOKEN")
        self.nonce_fail_closed = nonce_fail_closed
        #: root-token nonces seen by this container (single use at the entry function)
        self.seen_nonces: "dict[str, float]" = {}

    def signer(self, function_id: str) -> Optional[bytes]:
        der = self.table.signers.get(function_id)
        if der is None:
            return None
        try:
            return parse_public_key_der_b64(der)
        except AgentConfigError:
            return None

    def claim_nonce(self, nonce: str, exp: float, function_id: str) -> Optional[str]:
        """Single use: locally, then at the nonce service when one is configured. The reason it fails, or None."""
        now = time.time()
        for key, until in list(self.seen_nonces.items()):
            if until < now:
                del self.seen_nonces[key]
        if nonce in self.seen_nonces:
            return "replayed"
        if len(self.seen_nonces) >= 10_000:
            self.seen_nonces.pop(next(iter(self.seen_nonces)))
        self.seen_nonces[nonce] = exp
        if not self.nonce_url:
            return None
        url = self.nonce_url.rstrip("/")
        if not url.endswith("/v1/nonces"):
            url += "/v1/nonces"
        request = urllib.request.Request(
            url,
            data=json.dumps({"nonce": nonce, "exp": exp, "function": function_id}).encode(),
            headers={"content-type": "application/json", **({"authorization": f"Bearer {self.api_token}"} if self.api_token else {})},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                fresh = json.loads(response.read().decode()).get("fresh")
        except Exception as error:  # unreachable, HTTP error, not JSON: the service did not answer
            logger.warning("ares nonce service unreachable: %s", type(error).__name__)
            return "nonce-service-unreachable" if self.nonce_fail_closed else None
        if fresh is True:
            return None
        return "replayed" if fresh is False else ("nonce-service-unreachable" if self.nonce_fail_closed else None)

    def verifier(self, entry: Optional[Dict[str, Any]], function_id: Optional[str]) -> Callable[[str, Optional[str]], VerifyResult]:
        """Checks tokens for one function: a root token only at its entry (and once), a hop token only from an
        issuer the profile puts upstream, for one of the resources it reaches this function through."""
        names = {function_id, (entry or {}).get("function"), (entry or {}).get("name")} - {None}

        def verify(token: str, sender: Optional[str]) -> VerifyResult:
            claim = read_token(token)
            if claim is None:
                return VerifyResult(False, reason="malformed")
            if claim.issuer is None:
                if sender is not None:
                    return VerifyResult(False, reason="sender-mismatch")
                if not claim.chain or claim.chain[0] not in names:
                    return VerifyResult(False, reason="wrong-hop")
                if self.public_key is None:
                    return VerifyResult(False, reason="no-public-key")
                result = verify_caller_context(token, self.public_key)
                if result.valid:
                    failure = self.claim_nonce(claim.nonce, claim.exp + SKEW_SECONDS, str((entry or {}).get("function") or function_id))
                    if failure is not None:
                        return VerifyResult(False, reason=failure)
                return result
            upstream = (entry or {}).get("upstream")
            resources = upstream.get(claim.issuer) if isinstance(upstream, dict) else None
            if not isinstance(resources, list):
                return VerifyResult(False, reason="unknown-issuer")
            audience = claim.audience or ""
            unqualified = ":".join(audience.split(":")[:7]) if audience.startswith("arn:") and ":function:" in audience else audience
            if not (audience in resources or unqualified in resources or (entry is not None and audience == entry.get("name") and entry.get("function") in resources)):
                return VerifyResult(False, reason="wrong-hop")
            if sender is not None:
                session = sender.split(":", 1)[1] if ":" in sender else ""
                if not session or session not in (claim.issuer, claim.issuer.rsplit(":", 1)[-1]):
                    return VerifyResult(False, reason="sender-mismatch")
            key = self.signer(claim.issuer)
            if key is None:
                return VerifyResult(False, reason="no-signer-key")
            return verify_caller_context(token, key)

        return verify


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


def _voucher(
    config: _Config, lead: Requester, origin: str, function_id: Optional[str]
) -> Optional[Callable[[str], Optional[str]]]:
    seed = config.signing_seed
    if seed is None or not function_id:
        return None
    chain = list(lead.hops)
    if not chain or chain[-1] != function_id:
        chain.append(function_id)
    parent = token_digest(lead.token) if lead.token is not None else ""
    minted: "dict[str, str]" = {}

    def vouch(audience: str) -> Optional[str]:
        if audience not in minted:
            minted[audience] = sign_hop_token(
                origin=origin, chain=chain, version=config.table.version, issuer=function_id,
                audience=audience, parent=parent, seed=seed,
            )
        return minted[audience]

    return vouch


def with_ares(
    handler: Optional[Handler] = None,
    *,
    block_table: Union[None, BlockTable, Dict[str, Any]] = None,
    block_table_file: Optional[str] = None,
    public_key_pem: Optional[str] = None,
    unknown_requester: str = "block-unvouched",
    fail_closed: bool = True,
    install_hooks: bool = True,
    signing_key_pem: Optional[str] = None,
    nonce_url: Optional[str] = None,
    nonce_fail_closed: bool = True,
) -> Any:
    """Wraps `handler`, or returns a decorator when called without one (`@with_ares(block_table_file=...)`).

    The block table comes from `block_table` (a dict or BlockTable), `block_table_file`, or $ARES_BLOCK_TABLE_FILE;
    the issuer's public key from `public_key_pem`, $ARES_PUBLIC_KEY or $ARES_PUBLIC_KEY_FILE (without one every
    token is rejected). `unknown_requester`: "block-unvouched" (default), "block-conduits", "block" or "allow". With
    `fail_closed`, an agent that cannot load its configuration, finds no entry for its function, or fails inside
    blocks every invocation; otherwise the handler runs. `signing_key_pem` ($ARES_SIGNING_KEY, $ARES_SIGNING_KEY_FILE):
    this function's own key, to vouch downstream; `nonce_url` ($ARES_NONCE_URL): ares serve, for single use of root
    tokens across instances (`nonce_fail_closed`: refuse when it cannot answer).
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
            signing_key_pem=signing_key_pem,
            nonce_url=nonce_url,
            nonce_fail_closed=nonce_fail_closed,
        )
    config: Optional[_Config]
    config_error: Optional[str] = None
    try:
        config = _Config(
            block_table, block_table_file, public_key_pem, unknown_requester, signing_key_pem, nonce_url, nonce_fail_closed
        )
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
            if entry is None:
                # A table that does not list this function says nothing about it: as good as no table.
                if fail_closed:
                    raise ARESBlocked(None, function_id, "no-block-table", "the block table does not list this function")
                return handler(event, context)
            claims = entry.get("eventClaims")
            claims_trusted = claims if isinstance(claims, bool) else not entry.get("conduit")
            requesters, inner_event = extract_requesters(
                event, context, config.verifier(entry, function_id), config.table.knows, claims_trusted
            )
            decision = _decide_all(config, entry, requesters)
        except ARESBlocked:
            raise
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
        # The origin this invocation acts for is vouched for downstream in hop tokens signed with this function's
        # own key, one per audience; without a key, or without a verified origin, nothing is passed on.
        lead = next((r for r in requesters if r.token is not None), None) or next(
            (r for r in requesters if r.name is not None), None
        )
        vouch = _voucher(config, lead, decision.origin, function_id) if lead is not None and decision.origin else None
        token = state.enter(
            state.InvocationState(
                function=function_id, origin=decision.origin, source=requesters[0].source, propagated=None, vouch=vouch
            )
        )
        try:
            return handler(inner_event, context)
        finally:
            state.leave(token)

    return wrapped

