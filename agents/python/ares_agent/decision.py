"""The decision, as the Node agent makes it: block the origin where the table blocks it; an invocation with no
verifiable requester is blocked where an origin blocked there can arrive unvouched (the table's `unvouched`; at
conduits for a table without it) unless configured otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

UNKNOWN_REQUESTER_POLICIES = ("block-unvouched", "block-conduits", "block", "allow")


@dataclass(frozen=True)
class Decision:
    block: bool
    reason: str
    origin: Optional[str]
    #: why a caller context that was present counted for nothing (malformed, bad-signature, expired, ...)
    detail: str = ""


def decide(
    entry: Optional[Dict[str, Any]], origin: Optional[str], unknown_requester: str = "block-unvouched"
) -> Decision:
    """`entry` is this function's block-table entry; `origin` the resolved principal id, None when unknown."""
    if origin is None:
        if unknown_requester == "block":
            return Decision(True, "unknown-requester", None)
        unvouched = entry.get("unvouched") if entry is not None else None
        if unknown_requester == "block-unvouched" and isinstance(unvouched, list):
            # Refused where an origin blocked here can arrive with nobody vouching for it.
            if unvouched:
                return Decision(True, "unvouched-requester", None)
            return Decision(False, "unknown-requester-allowed", None)
        if unknown_requester != "allow" and entry is not None and entry.get("conduit"):
            return Decision(True, "unknown-requester-at-conduit", None)
        return Decision(False, "unknown-requester-allowed", None)
    if entry is not None and entry.get("blocked", {}).get(origin):
        return Decision(True, "origin-blocked", origin)
    return Decision(False, "not-blocked", origin)
