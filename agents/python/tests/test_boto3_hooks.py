"""boto3 propagation. boto3 must be importable: on CI `.ci/run` installs Debian's python3-boto3. These tests fail,
never skip, when it is missing, so a CI that lost boto3 does not pass silently."""

import base64
import json
import unittest

import _support
from _support import TABLE, V, X, context
from ares_agent import current, install_boto3_hooks, register_client, with_ares

boto3 = _support.import_boto3()
MISSING = "boto3 is not importable: install it (apt-get install -y python3-boto3, or pip install boto3)"


class _Captured(Exception):
    pass


def capture(client):
    """Stops every call after parameter hooks ran, recording the final parameters: no network, no credentials."""
    calls = []

    def before_parameter_build(params, model, **_):
        calls.append((model.name, params))
        raise _Captured()

    client.meta.events.register("before-parameter-build.*.*", before_parameter_build)
    return calls


def make_client(service):
    return boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1").client(service)


class Boto3Hooks(unittest.TestCase):
    def setUp(self):
        if boto3 is None:
            self.fail(MISSING)
        self.assertTrue(install_boto3_hooks())
        self.token = _support.make_token(V, chain=[X])
        self.expected = _support.HopFrom(X, V, parent=self.token)

    def run_inside(self, call):
        """Runs `call` inside a wrapped handler invoked with the token; returns what it captured."""
        out = {}

        def handler(event, ctx):
            out["state"] = current()
            try:
                call()
            except _Captured:
                pass

        with_ares(
            handler,
            block_table=TABLE,
            public_key_pem=_support.PEM,
            signing_key_pem=_support.private_pem(_support.FN_SEEDS[X]),
        )({}, context(X, {"ares": self.token}))
        return out

    def test_lambda_invoke_carries_the_context_in_client_context(self):
        client = make_client("lambda")
        calls = capture(client)
        existing = base64.b64encode(json.dumps({"custom": {"tenant": "t1"}, "env": {"a": "b"}}).encode()).decode()
        self.run_inside(lambda: client.invoke(FunctionName="next", Payload=b"{}", ClientContext=existing))
        name, params = calls[0]
        self.assertEqual(name, "Invoke")
        document = json.loads(base64.b64decode(params["ClientContext"]))
        self.assertEqual(document, {"custom": {"tenant": "t1", "ares": self.expected}, "env": {"a": "b"}})

    def test_an_asynchronous_invoke_carries_an_envelope(self):
        client = make_client("lambda")
        calls = capture(client)
        self.run_inside(lambda: client.invoke(FunctionName="next", InvocationType="Event", Payload=b'{"order": 7}'))
        params = calls[0][1]
        self.assertNotIn("ClientContext", params)
        self.assertEqual(json.loads(params["Payload"]), {"__ares": self.expected, "payload": {"order": 7}})

    def test_sqs_send_message_and_batch_carry_the_attribute(self):
        client = make_client("sqs")
        calls = capture(client)
        entries = [{"Id": "1", "MessageBody": "a"}, {"Id": "2", "MessageBody": "b", "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}}}]
        self.run_inside(lambda: client.send_message(QueueUrl="https://sqs.us-east-1.amazonaws.com/1/q", MessageBody="x"))
        self.run_inside(lambda: client.send_message_batch(QueueUrl="https://sqs.us-east-1.amazonaws.com/1/q", Entries=entries))
        self.assertEqual(calls[0][1]["MessageAttributes"]["ares"], {"DataType": "String", "StringValue": self.expected})
        batch = calls[1][1]["Entries"]
        self.assertEqual([e["MessageAttributes"]["ares"]["StringValue"] for e in batch], [self.expected] * 2)
        self.assertEqual(batch[1]["MessageAttributes"]["k"]["StringValue"], "v")
        self.assertNotIn("MessageAttributes", entries[0], "the caller's own objects are left alone")

    def test_sns_publish_carries_the_attribute(self):
        client = make_client("sns")
        calls = capture(client)
        self.run_inside(lambda: client.publish(TopicArn="arn:aws:sns:us-east-1:1:t", Message="m"))
        self.assertEqual(calls[0][1]["MessageAttributes"]["ares"]["StringValue"], self.expected)

    def test_eventbridge_put_events_carries_detail_ares(self):
        client = make_client("events")
        calls = capture(client)
        self.run_inside(lambda: client.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": '{"id": 1}'}]))
        self.assertEqual(json.loads(calls[0][1]["Entries"][0]["Detail"]), {"id": 1, "_ares": self.expected})

    def test_an_eleventh_attribute_is_not_added(self):
        client = make_client("sqs")
        calls = capture(client)
        full = {f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(10)}
        self.run_inside(lambda: client.send_message(QueueUrl="https://sqs.us-east-1.amazonaws.com/1/q", MessageBody="x", MessageAttributes=full))
        self.assertNotIn("ares", calls[0][1]["MessageAttributes"])

    def test_outside_an_invocation_calls_go_out_unchanged(self):
        client = make_client("sqs")
        calls = capture(client)
        with self.assertRaises(_Captured):
            client.send_message(QueueUrl="https://sqs.us-east-1.amazonaws.com/1/q", MessageBody="x")
        self.assertNotIn("MessageAttributes", calls[0][1])

    def test_a_client_created_before_install_can_be_registered(self):
        import botocore.session

        original = getattr(botocore.session.Session.create_client, "__wrapped__", None)
        self.assertIsNotNone(original, "install() wraps create_client")
        raw = original(botocore.session.get_session(), "sns", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        calls = capture(register_client(raw))
        register_client(raw)  # idempotent
        self.run_inside(lambda: raw.publish(TopicArn="arn:aws:sns:us-east-1:1:t", Message="m"))
        self.assertEqual(calls[0][1]["MessageAttributes"]["ares"]["StringValue"], self.expected)


if __name__ == "__main__":
    unittest.main()
