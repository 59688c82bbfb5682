import unittest

import _support
from ares_agent import AgentConfigError, decode_propagated, encode_propagated, parse_public_key_pem, verify_caller_context
from ares_agent.caller_context import MAX_TOKEN_BYTES


class NodeSignedTokens(unittest.TestCase):
    """Tokens minted by Node's signCallerContext (fixtures/node_tokens.json) verify here exactly as in Node."""

    def setUp(self):
        self.fx = _support.node_tokens()
        self.key = parse_public_key_pem(self.fx["publicKeyPem"])

    def test_accepts_a_node_token_and_reads_its_claims(self):
        result = verify_caller_context(self.fx["token"], self.key, now=self.fx["now"] + 10)
        self.assertTrue(result.valid, result.reason)
        self.assertEqual(result.context.origin, "arn:aws:iam::123456789012:user/U")
        self.assertEqual(result.context.chain, ("arn:aws:lambda:us-east-1:123456789012:function:X",))
        self.assertEqual(result.context.exp - result.context.iat, self.fx["tokenTtl"])

    def test_reads_non_ascii_origins(self):
        result = verify_caller_context(self.fx["unicode"], self.key, now=self.fx["now"])
        self.assertEqual(result.context.origin, self.fx["unicodeOrigin"])

    def test_rejects_a_token_of_another_key(self):
        self.assertEqual(verify_caller_context(self.fx["foreign"], self.key, now=self.fx["now"]).reason, "bad-signature")

    def test_rejects_a_tampered_payload(self):
        body, signature = self.fx["token"].split(".")
        payload = _support.base64.urlsafe_b64decode(body + "==").replace(b"user/U", b"user/V")
        tampered = _support.b64url(payload) + "." + signature
        self.assertEqual(verify_caller_context(tampered, self.key, now=self.fx["now"]).reason, "bad-signature")

    def test_expiry_allows_30_seconds_of_skew(self):
        exp = self.fx["now"] + self.fx["tokenTtl"]
        self.assertTrue(verify_caller_context(self.fx["token"], self.key, now=exp + 30).valid)
        self.assertEqual(verify_caller_context(self.fx["token"], self.key, now=exp + 31).reason, "expired")

    def test_not_yet_valid_beyond_30_seconds(self):
        self.assertTrue(verify_caller_context(self.fx["token"], self.key, now=self.fx["now"] - 30).valid)
        self.assertEqual(verify_caller_context(self.fx["token"], self.key, now=self.fx["now"] - 31).reason, "not-yet-valid")

    def test_decodes_node_propagated_hops(self):
        token, hops = decode_propagated(self.fx["propagated"])
        self.assertEqual(token, self.fx["token"])
        self.assertEqual(hops, self.fx["propagatedHops"])
        self.assertEqual(encode_propagated(token, hops), self.fx["propagated"])


class Malformed(unittest.TestCase):
    def test_rejects_malformed_tokens(self):
        key = _support.public_key(_support.SEED)
        good = _support.make_token(_support.U)
        body, signature = good.split(".")
        for bad in [None, 42, "", ".", "abc", f"{body}.{signature}.x", f".{signature}", f"{body}.", f"{body}.{signature[:-4]}",
                    f"{body}+.{signature}", "a" * (MAX_TOKEN_BYTES + 1)]:
            with self.subTest(bad=str(bad)[:20]):
                self.assertEqual(verify_caller_context(bad, key).reason, "malformed")

    def test_rejects_a_signed_payload_of_the_wrong_shape(self):
        key = _support.public_key(_support.SEED)
        for payload in [{"o": 1, "c": [], "iat": 1, "exp": 2, "n": "", "v": ""}, {"o": "u", "c": "x", "iat": 1, "exp": 2, "n": "", "v": ""},
                        {"o": "u", "c": [], "iat": True, "exp": 2, "n": "", "v": ""}, ["not", "an", "object"]]:
            with self.subTest(payload=payload):
                token = _support.make_token("u", payload=payload)
                self.assertEqual(verify_caller_context(token, key, now=1).reason, "malformed")

    def test_accepts_its_own_test_signer(self):
        key = _support.public_key(_support.SEED)
        self.assertTrue(verify_caller_context(_support.make_token(_support.U), key).valid)


class PublicKeys(unittest.TestCase):
    def test_parses_spki_pem(self):
        self.assertEqual(parse_public_key_pem(_support.PEM), _support.public_key(_support.SEED))

    def test_rejects_other_keys_and_garbage(self):
        rsa_like = "-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf\n9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n-----END PUBLIC KEY-----"
        for bad in ["", "not a pem", rsa_like, "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----",
                    _support.PEM.replace("PUBLIC KEY", "PRIVATE KEY")]:
            with self.subTest(bad=bad[:30]):
                with self.assertRaises(AgentConfigError):
                    parse_public_key_pem(bad)


if __name__ == "__main__":
    unittest.main()
