"""The compiled block table (src/model/blockTable.ts), held in memory and looked up with no network call.

Shape: {"version", "createdAt", "functions": {id: {"function", "name", "conduit", "blocked": {origin: [...]},
"unvouched": [origin], "eventClaims": bool, "upstream": {function id: [resource]}}}, "functionIds": {name or ARN:
id}, "principalIds": {run-time name: principal id}, "signers": {function id: SPKI DER base64}}.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from .errors import AgentConfigError


class BlockTable:
    def __init__(self, raw: Any, source: str = "block table") -> None:
        if not isinstance(raw, dict):
            raise AgentConfigError(f"{source}: not a JSON object")
        functions = raw.get("functions")
        function_ids = raw.get("functionIds", {})
        principal_ids = raw.get("principalIds", {})
        if not isinstance(functions, dict) or not isinstance(function_ids, dict) or not isinstance(principal_ids, dict):
            raise AgentConfigError(f"{source}: functions, functionIds and principalIds must be objects")
        for fid, entry in functions.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("blocked", {}), dict):
                raise AgentConfigError(f"{source}: functions[{fid!r}] is not a function entry")
        version = raw.get("version")
        if not isinstance(version, str) or not version:
            # A table without a version is not one ares wrote: as good as none.
            raise AgentConfigError(f"{source}: no version")
        signers = raw.get("signers", {})
        if not isinstance(signers, dict):
            raise AgentConfigError(f"{source}: signers must be an object")
        self.version: str = version
        self.signers: Dict[str, str] = {k: v for k, v in signers.items() if isinstance(v, str)}
        self.functions: Dict[str, Dict[str, Any]] = functions
        self.function_ids: Dict[str, str] = function_ids
        self.principal_ids: Dict[str, str] = principal_ids

    @classmethod
    def from_file(cls, path: str) -> "BlockTable":
        try:
            with open(path, "r", encoding="utf-8") as handle:
                raw = json.load(handle)
        except OSError as error:
            raise AgentConfigError(f"{path}: cannot read the block table: {error.strerror}") from None
        except ValueError as error:
            raise AgentConfigError(f"{path}: block table is not JSON: {error}") from None
        return cls(raw, path)

    def function(self, invoked_arn: Optional[str], function_name: Optional[str]) -> Optional[Dict[str, Any]]:
        """This function's entry, by its ARN (qualifier stripped) or name; None when the table does not list it."""
        candidates = []
        if invoked_arn:
            candidates.append(invoked_arn)
            parts = invoked_arn.split(":")
            if len(parts) > 7:
                candidates.append(":".join(parts[:7]))
        if function_name:
            candidates.append(function_name)
        for candidate in candidates:
            entry = self.functions.get(candidate)
            if entry is None:
                fid = self.function_ids.get(candidate)
                entry = self.functions.get(fid) if isinstance(fid, str) else None
            if entry is not None:
                return entry
        return None

    def principal(self, name: str) -> str:
        """The principal id a run-time name stands for (ARN, unique id, assumed-role session); else the name."""
        found = self.principal_ids.get(name)
        if found is None and ":assumed-role/" in name and name.count("/") >= 2:
            found = self.principal_ids.get(name.rsplit("/", 1)[0])  # drop the session name
        elif found is None and not name.startswith("arn:") and ":" in name:
            found = self.principal_ids.get(name.split(":", 1)[0])  # AROA…:session
        return found if isinstance(found, str) else name

    def knows(self, name: str) -> bool:
        """The name resolves to a principal the profile knows (used to trust SQS SenderId as a requester)."""
        return self.principal(name) != name or name in self.principal_ids.values()
