import hashlib
import unittest

import _support
from ares_agent import ed25519

# RFC 8032 section 7.1: TEST 1, TEST 2, TEST 3 (secret key, public key, message, signature), hex.
RFC8032_VECTORS = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
]


class RFC8032Vectors(unittest.TestCase):
    def test_verifies_every_section_7_1_vector(self):
        for _, public, message, signature in RFC8032_VECTORS:
            with self.subTest(public=public[:8]):
                self.assertTrue(ed25519.verify(bytes.fromhex(public), bytes.fromhex(message), bytes.fromhex(signature)))

    def test_test_signer_reproduces_the_vectors(self):
        for secret, public, message, signature in RFC8032_VECTORS:
            with self.subTest(public=public[:8]):
                self.assertEqual(_support.public_key(bytes.fromhex(secret)).hex(), public)
                self.assertEqual(_support.sign(bytes.fromhex(secret), bytes.fromhex(message)).hex(), signature)

    def test_rejects_a_changed_message(self):
        _, public, message, signature = RFC8032_VECTORS[2]
        self.assertFalse(ed25519.verify(bytes.fromhex(public), bytes.fromhex("af83"), bytes.fromhex(signature)))

    def test_rejects_any_flipped_signature_bit(self):
        _, public, message, signature = RFC8032_VECTORS[1]
        sig = bytearray(bytes.fromhex(signature))
        for bit in (0, 7, 100, 255, 256, 300, 511):
            flipped = bytearray(sig)
            flipped[bit // 8] ^= 1 << (bit % 8)
            with self.subTest(bit=bit):
                self.assertFalse(ed25519.verify(bytes.fromhex(public), bytes.fromhex(message), bytes(flipped)))

    def test_rejects_the_signature_under_another_key(self):
        _, _, message, signature = RFC8032_VECTORS[0]
        other = RFC8032_VECTORS[1][1]
        self.assertFalse(ed25519.verify(bytes.fromhex(other), bytes.fromhex(message), bytes.fromhex(signature)))


class Malleability(unittest.TestCase):
    def test_rejects_s_not_below_the_group_order(self):
        _, public, message, signature = RFC8032_VECTORS[0]
        sig = bytes.fromhex(signature)
        s = int.from_bytes(sig[32:], "little") + ed25519.L  # same point equation, non-canonical scalar
        self.assertFalse(ed25519.verify(bytes.fromhex(public), b"", sig[:32] + s.to_bytes(32, "little")))

    def test_rejects_non_canonical_y(self):
        with self.assertRaises(ed25519.InvalidPoint):
            ed25519.decode_point((ed25519.P + 1).to_bytes(32, "little"))

    def test_rejects_x_zero_with_the_sign_bit(self):
        with self.assertRaises(ed25519.InvalidPoint):
            ed25519.decode_point((1 | (1 << 255)).to_bytes(32, "little"))

    def test_rejects_points_off_the_curve(self):
        with self.assertRaises(ed25519.InvalidPoint):
            ed25519.decode_point((2).to_bytes(32, "little"))

    def test_rejects_wrong_lengths(self):
        _, public, message, signature = RFC8032_VECTORS[0]
        self.assertFalse(ed25519.verify(bytes.fromhex(public)[:31], b"", bytes.fromhex(signature)))
        self.assertFalse(ed25519.verify(bytes.fromhex(public), b"", bytes.fromhex(signature)[:63]))


class RoundTrip(unittest.TestCase):
    def test_signs_and_verifies_random_messages(self):
        for i in range(8):
            seed = hashlib.sha256(bytes([i])).digest()
            message = hashlib.sha512(bytes([i])).digest()[: i * 7]
            signature = _support.sign(seed, message)
            self.assertTrue(ed25519.verify(_support.public_key(seed), message, signature))
            self.assertFalse(ed25519.verify(_support.public_key(seed), message + b"x", signature))


if __name__ == "__main__":
    unittest.main()
