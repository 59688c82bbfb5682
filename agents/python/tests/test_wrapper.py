import json
import os
import tempfile
import threading
import unittest

import _support
from _support import CONSUMER, MALLORY, OPS_ROLE, TABLE, U, V, WRITER, X, context
from ares_agent import ARESBlocked, current, with_ares


def recorder():
    seen = []

    def handler(event, ctx):
        seen.append((event, current()))
        return {"ok": True}

    return handler, seen


def wrap(**options):
    handler, seen = recorder()
    options.setdefault("block_table", TABLE)
    options.setdefault("public_key_pem", _support.PEM)
    options.setdefault("install_hooks", False)
    return with_ares(handler, **options), seen


class PlatformIdentity(unittest.TestCase):
    def test_blocks_an_origin_denied_put_item_at_ledger_writer(self):
        wrapped, seen = wrap()
        with self.assertRaises(ARESBlocked) as raised:
            wrapped(_support.api_gateway_event(MALLORY), context(WRITER))
        error = raised.exception
        self.assertEqual((error.name, error.code), ("ARESBlocked", "ARES_BLOCKED"))
        self.assertEqual((error.origin, error.function, error.reason), (MALLORY, WRITER, "origin-blocked"))
        self.assertEqual(seen, [])

    def test_allows_a_requester_the_table_does_not_block(self):
        wrapped, seen = wrap()
        self.assertEqual(wrapped(_support.api_gateway_event(V), context(WRITER)), {"ok": True})
        self.assertEqual(seen[0][1].origin, V)
        self.assertIsNone(seen[0][1].vouch)  # no signing key: nothing is vouched for downstream

    def test_an_identity_in_the_event_is_a_claim_where_a_blocked_origin_may_invoke_directly(self):
        # U may invoke X directly and is blocked there: U could write V into the payload.
        wrapped, seen = wrap()
        with self.assertRaises(ARESBlocked) as raised:
            wrapped(_support.api_gateway_event(V), context(X))
        self.assertEqual((raised.exception.origin, raised.exception.reason), (None, "unvouched-requester"))
        self.assertEqual(seen, [])

    def test_reads_the_http_api_iam_authorizer(self):
        wrapped, _ = wrap()
        with self.assertRaises(ARESBlocked):
            wrapped(_support.http_api_event(MALLORY), context(WRITER))

    def test_resolves_an_assumed_role_session_to_its_role(self):
        wrapped, _ = wrap()
        session = "arn:aws:sts::123456789012:assumed-role/ops/alice"
        with self.assertRaises(ARESBlocked) as raised:
            wrapped(_support.api_gateway_event(session), context(WRITER))
        self.assertEqual(raised.exception.origin, OPS_ROLE)

    def test_finds_the_function_by_qualified_arn(self):
        wrapped, _ = wrap()
        with self.assertRaises(ARESBlocked):
            wrapped(_support.api_gateway_event(MALLORY), context(WRITER + ":live"))

    def test_trusts_an_sqs_sender_id_the_profile_knows(self):
        wrapped, _ = wrap()
        with self.assertRaises(ARESBlocked) as raised:
            wrapped(_support.sqs_event(None, sender="AIDAMALLORYMALLORYMA"), context(WRITER))
        self.assertEqual(raised.exception.origin, MALLORY)


class UnknownRequester(unittest.TestCase):
    def test_blocks_at_a_conduit_by_default(self):
        wrapped, _ = wrap()
        with self.assertRaises(ARESBlocked) as raised:
            wrapped({"plain": "invoke"}, context(X))
        self.assertEqual(raised.exception.reason, "unvouched-requester")
        self.assertIsNone(raised.exception.origin)

    def test_allows_past_a_function_that_is_no_conduit(self):
        wrapped, seen = wrap()
        wrapped({"plain": "invoke"}, context(WRITER))
        self.assertIsNone(seen[0][1].origin)

    def test_policy_block_and_allow(self):
        strict, _ = wrap(unknown_requester="block")
        with self.assertRaises(ARESBlocked):
            strict({}, context(WRITER))
        lax, seen = wrap(unknown_requester="allow")
        lax({}, context(X))
        self.assertEqual(len(seen), 1)

    def test_rejects_an_unknown_policy_name(self):
        with self.assertRaises(ValueError):
            with_ares(lambda e, c: None, block_table=TABLE, unknown_requester="maybe", install_hooks=False)

    def test_a_tampered_token_counts_as_no_requester(self):
        token = _support.make_token(V)
        body, signature = token.split(".")
        forged = _support.b64url(_support.base64.urlsafe_b64decode(body + "==").replace(b"user/V", b"user/W")) + "." + signature
        wrapped, _ = wrap()
        with self.assertRaises(ARESBlocked) as raised:
            wrapped({}, context(X, {"ares": forged}))
        self.assertEqual(raised.exception.reason, "unvouched-requester")
        self.assertEqual(raised.exception.detail, "caller context bad-signature")

    def test_an_expired_token_counts_as_no_requester(self):
        wrapped, _ = wrap()
        with self.assertRaises(ARESBlocked) as raised:
            wrapped({}, context(X, {"ares": _support.make_token(V, iat=1_000_000, ttl=60)}))
        self.assertEqual(raised.exception.detail, "caller context expired")

    def test_without_a_public_key_every_token_is_rejected(self):
        wrapped, _ = wrap(public_key_pem=None)
        with self.assertRaises(ARESBlocked) as raised:
            wrapped({}, context(X, {"ares": _support.make_token(V)}))
        self.assertEqual(raised.exception.detail, "caller context no-public-key")


class CallerContextSources(unittest.TestCase):
    def test_client_context_token(self):
        wrapped, seen = wrap()
        with self.assertRaises(ARESBlocked):
            wrapped({}, context(X, {"ares": _support.make_token(U)}))
        token = _support.make_token(V)
        wrapped({}, context(X, {"ares": token + "~b"}))
        state = seen[0][1]
        self.assertEqual((state.origin, state.source), (V, "client-context"))

    def test_envelope_is_stripped_before_the_handler(self):
        wrapped, seen = wrap()
        wrapped({"__ares": _support.make_token(V), "payload": {"order": 7}}, context(X))
        self.assertEqual(seen[0][0], {"order": 7})
        with self.assertRaises(ARESBlocked):
            wrapped({"__ares": _support.make_token(U), "payload": {}}, context(X))

    def test_sqs_message_attribute(self):
        wrapped, seen = wrap()
        with self.assertRaises(ARESBlocked):
            wrapped(_support.sqs_event(_support.make_hop(MALLORY)), context(WRITER))
        wrapped(_support.sqs_event(_support.make_hop(V)), context(WRITER))
        self.assertEqual(seen[0][1].source, "sqs-attribute")

    def test_one_blocked_record_blocks_the_batch(self):
        wrapped, seen = wrap()
        with self.assertRaises(ARESBlocked) as raised:
            wrapped(_support.sqs_event(_support.make_hop(V), _support.make_hop(MALLORY)), context(WRITER))
        self.assertEqual(raised.exception.origin, MALLORY)
        self.assertEqual(seen, [])

    def test_sns_notification_inside_an_sqs_body(self):
        wrapped, _ = wrap()
        notification = {"Type": "Notification", "TopicArn": "arn:aws:sns:us-east-1:1:t", "Message": "{}",
                        "MessageAttributes": {"ares": {"Type": "String", "Value": _support.make_hop(MALLORY)}}}
        event = _support.sqs_event(None)
        event["Records"][0]["body"] = json.dumps(notification)
        with self.assertRaises(ARESBlocked) as raised:
            wrapped(event, context(WRITER))
        self.assertEqual(raised.exception.origin, MALLORY)

    def test_trusts_an_s3_writer_the_profile_knows(self):
        wrapped, _ = wrap()
        event = {"Records": [{"eventSource": "aws:s3", "userIdentity": {"principalId": "AWS:AIDAMALLORYMALLORYMA"}}]}
        with self.assertRaises(ARESBlocked) as raised:
            wrapped(event, context(WRITER))
        self.assertEqual(raised.exception.origin, MALLORY)

    def test_sns_message_attribute(self):
        wrapped, _ = wrap()
        with self.assertRaises(ARESBlocked):
            wrapped(_support.sns_event(_support.make_hop(MALLORY)), context(WRITER))

    def test_eventbridge_detail(self):
        wrapped, seen = wrap()
        with self.assertRaises(ARESBlocked):
            wrapped(_support.eventbridge_event(_support.make_hop(MALLORY)), context(WRITER))
        wrapped(_support.eventbridge_event(_support.make_hop(V)), context(WRITER))
        self.assertEqual(seen[0][1].source, "eventbridge-detail")

    def test_platform_identity_wins_over_a_token(self):
        wrapped, _ = wrap()
        event = {**_support.api_gateway_event(MALLORY), "__ares": _support.make_hop(V), "payload": {}}
        with self.assertRaises(ARESBlocked):
            wrapped(event, context(WRITER))


class Configuration(unittest.TestCase):
    def test_reads_the_table_from_a_file_and_the_key_from_the_environment(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "table.json")
            with open(path, "w") as handle:
                json.dump(TABLE, handle)
            os.environ["ARES_PUBLIC_KEY"] = _support.PEM
            try:
                wrapped = with_ares(lambda e, c: "ran", block_table_file=path, install_hooks=False)
            finally:
                del os.environ["ARES_PUBLIC_KEY"]
            self.assertEqual(wrapped({}, context(X, {"ares": _support.make_token(V)})), "ran")

    def test_decorator_form(self):
        @with_ares(block_table=TABLE, install_hooks=False)
        def handler(event, ctx):
            return "ran"

        self.assertEqual(handler({}, context(WRITER)), "ran")
        self.assertEqual(handler.__name__, "handler")

    def test_fails_closed_without_a_table(self):
        wrapped = with_ares(lambda e, c: "ran", block_table_file="/nonexistent/table.json", install_hooks=False)
        with self.assertRaises(ARESBlocked) as raised:
            wrapped({}, context(X))
        self.assertEqual(raised.exception.reason, "no-block-table")

    def test_fails_open_when_asked(self):
        wrapped = with_ares(lambda e, c: "ran", block_table_file="/nonexistent/table.json", fail_closed=False, install_hooks=False)
        self.assertEqual(wrapped({}, context(X)), "ran")

    def test_a_function_missing_from_the_table_is_as_good_as_no_table(self):
        other = context("arn:aws:lambda:us-east-1:123456789012:function:other")
        wrapped, seen = wrap()
        with self.assertRaises(ARESBlocked) as raised:
            wrapped(_support.api_gateway_event(V), other)
        self.assertEqual(raised.exception.reason, "no-block-table")
        self.assertEqual(seen, [])
        opened, seen = wrap(fail_closed=False)
        opened(_support.api_gateway_event(V), other)
        self.assertEqual(len(seen), 1)

    def test_a_table_without_a_version_is_no_table(self):
        wrapped, seen = wrap(block_table={**TABLE, "version": ""})
        with self.assertRaises(ARESBlocked) as raised:
            wrapped({}, context(WRITER))
        self.assertEqual(raised.exception.reason, "no-block-table")


class InvocationState(unittest.TestCase):
    def test_state_exists_only_inside_the_handler(self):
        wrapped, seen = wrap()
        self.assertIsNone(current())
        wrapped({}, context(X, {"ares": _support.make_token(V)}))
        self.assertIsNotNone(seen[0][1])
        self.assertIsNone(current())

    def test_concurrent_invocations_keep_their_own_state(self):
        barrier = threading.Barrier(2)
        results = {}

        def handler(event, ctx):
            barrier.wait(timeout=5)
            results[event["who"]] = current().origin

        wrapped = with_ares(handler, block_table=TABLE, public_key_pem=_support.PEM, install_hooks=False)
        threads = [
            threading.Thread(target=wrapped, args=({"__ares": _support.make_hop(who), "payload": {"who": who}}, context(WRITER)))
            for who in (V, U)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(results, {V: V, U: U})


if __name__ == "__main__":
    unittest.main()
