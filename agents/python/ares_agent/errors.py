"""The agent's errors: ARESBlocked for a refused invocation, AgentConfigError for a wrapper that cannot start."""

from __future__ import annotations

from typing import Optional


class ARESBlocked(Exception):
    """Raised instead of running the handler: the invocation would carry out a privilege bypass.

    Lambda reports it as errorType "ARESBlocked"; `code` is "ARES_BLOCKED" as in the Node agent.
    """

    name = "ARESBlocked"
    code = "ARES_BLOCKED"

    def __init__(self, origin: Optional[str], function: Optional[str], reason: str, detail: str = "") -> None:
        self.origin = origin
        self.function = function
        self.reason = reason
        self.detail = detail
        who = origin if origin is not None else "an unknown requester"
        where = function if function is not None else "this function"
        suffix = f" ({detail})" if detail else ""
        super().__init__(f"ares blocked {who} at {where}: {reason}{suffix}")


class AgentConfigError(ValueError):
    """The wrapper's configuration is unusable: a block table or public key that cannot be read or parsed."""
