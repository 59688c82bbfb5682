"""Runs the Python agent on the cases the cross-language test (python.test.ts) prepared; prints one JSON result
per case. Usage: python3 decide.py <cases.json>, with agents/python on PYTHONPATH."""

import json
import sys
from types import SimpleNamespace

from ares_agent import ARESBlocked, current, parse_public_key_pem, verify_caller_context, with_ares


def main(path):
    with open(path, encoding="utf-8") as handle:
        spec = json.load(handle)
    key = parse_public_key_pem(spec["publicKeyPem"])

    wrappers = {}

    def wrapped_for(arn, vouch_for):
        # One agent per function (as deployed), each with its own signing key.
        if arn not in wrappers:
            def handler(event, context):
                state = current()
                audience = context.vouch_for
                vouched = state.vouch(audience) if state.vouch is not None and audience else None
                return {"event": event, "origin": state.origin, "vouched": vouched}

            wrappers[arn] = with_ares(
                handler,
                block_table_file=spec["blockTableFile"],
                public_key_pem=spec["publicKeyPem"],
                signing_key_pem=spec.get("signingKeys", {}).get(arn),
                install_hooks=False,
            )
        return wrappers[arn]

    results = {}
    for case in spec["cases"]:
        arn = case["function"]
        wrapped = wrapped_for(arn, case.get("vouchFor"))
        custom = case.get("clientContext")
        context = SimpleNamespace(
            function_name=arn.rsplit(":", 1)[-1],
            invoked_function_arn=arn,
            client_context=SimpleNamespace(custom=custom) if custom is not None else None,
            vouch_for=case.get("vouchFor"),
        )
        try:
            out = wrapped(case["event"], context)
            results[case["name"]] = {"outcome": "allow", **out}
        except ARESBlocked as error:
            results[case["name"]] = {
                "outcome": "block",
                "origin": error.origin,
                "function": error.function,
                "reason": error.reason,
                "detail": error.detail,
                "code": error.code,
            }
    verified = {}
    for name, token in spec.get("verify", {}).items():
        result = verify_caller_context(token, key)
        verified[name] = {"valid": result.valid, "reason": result.reason, "origin": result.context.origin if result.context else None}
    print(json.dumps({"decisions": results, "verified": verified}))


if __name__ == "__main__":
    main(sys.argv[1])
