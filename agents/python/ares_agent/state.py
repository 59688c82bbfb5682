"""Per-invocation state in a ContextVar, so concurrent invocations (threads, asyncio tasks) never see each other's."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class InvocationState:
    function: Optional[str]
    #: resolved principal id of the origin, None when the requester is unknown
    origin: Optional[str]
    source: str
    #: kept for compatibility; always None (agents now vouch with hop tokens, see `vouch`)
    propagated: Optional[str]
    #: mints the hop token for one audience (function, queue, topic or bus ARN); None when nothing is vouched for
    vouch: Optional[Callable[[str], Optional[str]]] = None


_current: "contextvars.ContextVar[Optional[InvocationState]]" = contextvars.ContextVar("ares_invocation", default=None)


def current() -> Optional[InvocationState]:
    """The state of the invocation running in this context, None outside a wrapped handler."""
    return _current.get()


def enter(state: InvocationState) -> "contextvars.Token[Optional[InvocationState]]":
    return _current.set(state)


def leave(token: "contextvars.Token[Optional[InvocationState]]") -> None:
    _current.reset(token)
