"""ares agent for Python Lambda functions: refuses invocations that would carry out a privilege bypass.

    from ares_agent import with_ares
    handler = with_ares(app.handler, block_table_file="ares-block-table.json")

The wrapper finds the original requester (the platform's verified identity, or the signed caller context a previous
hop passed on), looks it up in the compiled block table held in memory, raises ARESBlocked when the table blocks it,
and passes the context on through boto3 calls. Standard library only; boto3 hooks install when botocore imports.
"""

from .block_table import BlockTable
from .boto3_hooks import install as install_boto3_hooks
from .boto3_hooks import register_client
from .caller_context import (
    CallerContext,
    VerifyResult,
    decode_propagated,
    encode_propagated,
    verify_caller_context,
)
from .decision import Decision, decide
from .errors import AgentConfigError, ARESBlocked
from .keys import parse_public_key_pem
from .state import InvocationState, current
from .wrapper import with_ares

__all__ = [
    "ARESBlocked",
    "AgentConfigError",
    "BlockTable",
    "CallerContext",
    "Decision",
    "InvocationState",
    "VerifyResult",
    "current",
    "decide",
    "decode_propagated",
    "encode_propagated",
    "install_boto3_hooks",
    "parse_public_key_pem",
    "register_client",
    "verify_caller_context",
    "with_ares",
]

__version__ = "0.1.0"
