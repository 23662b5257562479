"""A software authenticator (ES256, no attestation) for unit and functional tests: it
answers WebAuthn options the way a browser with a real security key or passkey would.
A passkey keeps the user handle it was registered with and sends it back when signing."""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class SoftKey:
    def __init__(self, rp_id: str = "localhost", origin: str = "http://localhost:8000") -> None:
        self.rp_id, self.origin = rp_id, origin
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(16)
        self.sign_count = 0
        self.user_handle: str | None = None  # base64url, once registered as a discoverable credential

    def clone(self) -> SoftKey:
        """The same key material and id with the counter reset: what a copied key looks like."""
        twin = SoftKey(self.rp_id, self.origin)
        twin.private_key, twin.credential_id, twin.sign_count = self.private_key, self.credential_id, 0
        twin.user_handle = self.user_handle
        return twin

    def _cose_public_key(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin or self.origin,
                           "crossOrigin": False}).encode()

    def _auth_data(self, flags: int, rp_id: str | None, attested: bytes = b"") -> bytes:
        rp_hash = hashlib.sha256((rp_id or self.rp_id).encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", self.sign_count) + attested

    def register(self, options: dict[str, Any], *, origin: str | None = None, rp_id: str | None = None,
                 challenge: str | None = None, user_present: bool = True, user_verified: bool = False,
                 kind: str = "webauthn.create") -> dict[str, Any]:
        if options.get("authenticatorSelection", {}).get("residentKey") == "required":
            self.user_handle = options["user"]["id"]
        attested = bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + self._cose_public_key()
        flags = (UP if user_present else 0) | (UV if user_verified else 0) | AT
        auth_data = self._auth_data(flags, rp_id, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data(kind, challenge or options["challenge"], origin)
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
                "response": {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation),
                             "transports": ["usb"]},
                "clientExtensionResults": {"credProps": {"rk": self.user_handle is not None}}
                if (options.get("extensions") or {}).get("credProps") else {}}

    def sign(self, options: dict[str, Any], *, origin: str | None = None, rp_id: str | None = None,
             challenge: str | None = None, user_present: bool = True, user_verified: bool = False,
             count: int | None = None, signer: SoftKey | None = None,
             user_handle: str | None = None) -> dict[str, Any]:
        """An assertion; a passkey sends its user handle (user_handle= sends another instead)."""
        self.sign_count = self.sign_count + 1 if count is None else count
        auth_data = self._auth_data((UP if user_present else 0) | (UV if user_verified else 0), rp_id)
        client_data = self._client_data("webauthn.get", challenge or options["challenge"], origin)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = (signer or self).private_key.sign(signed, ec.ECDSA(hashes.SHA256()))
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
                "response": {"clientDataJSON": b64url(client_data), "authenticatorData": b64url(auth_data),
                             "signature": b64url(signature),
                             "userHandle": user_handle or self.user_handle},
                "clientExtensionResults": {}}
