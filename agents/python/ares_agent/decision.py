"""The decision, as the Node agent makes it: block the origin where the table blocks it; an invocation with no
verifiable requester is blocked at conduits (the entries of some bypass) unless configured otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

UNKNOWN_REQUESTER_POLICIES = ("block-conduits", "block", "allow")


@dataclass(frozen=True)
class Decision:
    block: bool
    reason: str
    origin: Optional[str]
    #: why a caller context that was present counted for nothing (malformed, bad-signature, expired, ...)
    detail: str = ""


def decide(
    entry: Optional[Dict[str, Any]], origin: Optional[str], unknown_requester: str = "block-conduits"
) -> Decision:
    """`entry` is this function's block-table entry; `origin` the resolved principal id, None when unknown."""
    if origin is None:
        if unknown_requester == "block":
            return Decision(True, "unknown-requester", None)
        if unknown_requester == "block-conduits" and entry is not None and entry.get("conduit"):
            return Decision(True, "unknown-requester-at-conduit", None)
        return Decision(False, "unknown-requester-allowed", None)
    if entry is not None and entry.get("blocked", {}).get(origin):
        return Decision(True, "origin-blocked", origin)
    return Decision(False, "not-blocked", origin)
