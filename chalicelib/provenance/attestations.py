"""PEP 740 attestations on an upload: the `attestations` field of /legacy/ (a JSON list of
attestation objects) is accepted only from a trusted publisher's token, and only when every
attestation verifies against the file's name and sha256 and against that very publisher's
identity (pypi-attestations on top of sigstore, offline, with the Sigstore trust root the
library ships or the one CHEESESHOP_SIGSTORE_TRUST_ROOT names). What is accepted becomes the
file's provenance object: one bundle, for the publisher that uploaded.

The libraries are large, so this module imports them only when an upload carries attestations."""
from __future__ import annotations

import json
import os
import tempfile
from typing import TYPE_CHECKING, Any, NamedTuple

from chalicelib.core.config import get_settings
from chalicelib.core.errors import UploadRefused
from chalicelib.provenance.published import describe

if TYPE_CHECKING:
    from pypi_attestations import Attestation, Distribution, Publisher

FIELD = "attestations"
MOST = 8  # attestations one file may carry: one of each predicate type is the normal case
FIELD_MAX = 512 * 1024  # bytes of the field: a Sigstore bundle is a few KB


class Checked(NamedTuple):
    provenance: bytes  # PEP 740's provenance object, as the Integrity API serves it
    summary: str  # JSON: the publisher and the transparency-log entry, what the project page shows


def refused(message: str) -> UploadRefused:
    return UploadRefused(f"Invalid attestations supplied during upload: {message}")


def check(raw: str, filename: str, sha256: str, attester: str | None) -> Checked:
    """The provenance of a file uploaded with these attestations by this publisher (the token's
    `attester`; None: not a trusted publisher); UploadRefused (400) naming the attestation that
    failed and why."""
    if attester is None:
        raise refused("attestations are accepted only from trusted publishers; this upload used an API token.")
    items = _items(raw)
    _trust_root_cache()
    from pydantic import ValidationError
    from pypi_attestations import Attestation, AttestationBundle, AttestationError, Distribution, Provenance

    publisher = _publisher(attester)
    try:
        dist = Distribution(name=filename, digest=sha256)
    except ValidationError as exc:
        raise refused(f"the filename {filename!r} cannot be attested.") from exc
    accepted: list[Attestation] = []
    kinds: set[str] = set()
    for number, item in enumerate(items, 1):
        try:
            attestation = Attestation.model_validate(item)
        except ValidationError as exc:
            raise refused(f"attestation {number} is not a PEP 740 attestation object "
                          f"({exc.error_count()} problems, first: {_first(exc)}).") from exc
        try:
            kind, _ = _verify(attestation, publisher, dist)
        except AttestationError as exc:
            raise refused(f"attestation {number} does not verify for {filename} published by "
                          f"{describe(json.loads(attester))}: {exc}") from exc
        if kind in kinds:
            raise refused(f"attestation {number} repeats the predicate type {kind}: send one of each.")
        kinds.add(kind)
        accepted.append(attestation)
    provenance = Provenance(attestation_bundles=[AttestationBundle(publisher=publisher, attestations=accepted)])
    entry = accepted[0].verification_material.transparency_entries[0]
    summary = {"publisher": json.loads(attester), "log_index": str(entry.get("logIndex", ""))}
    return Checked(provenance.model_dump_json(by_alias=True).encode(), json.dumps(summary))


def _items(raw: str) -> list[Any]:
    if len(raw.encode()) > FIELD_MAX:
        raise refused(f"the field is over {FIELD_MAX // 1024} KB.")
    try:
        items = json.loads(raw)
    except ValueError as exc:
        raise refused("the field must be a JSON list of attestation objects.") from exc
    if not isinstance(items, list) or not items:
        raise refused("the field must be a JSON list of attestation objects, with at least one.")
    if len(items) > MOST:
        raise refused(f"a file may carry at most {MOST} attestations.")
    return items


def _first(exc: Any) -> str:
    error = exc.errors()[0]
    return f"{'.'.join(str(part) for part in error.get('loc', ())) or 'the object'}: {error.get('msg', '')}"


def _publisher(attester: str) -> Publisher:
    from pydantic import TypeAdapter
    from pypi_attestations import Publisher

    return TypeAdapter(Publisher).validate_python(json.loads(attester))


def _verify(attestation: Attestation, publisher: Publisher, dist: Distribution) -> tuple[str, Any]:
    """The attestation's predicate type and predicate, once it verifies offline (no network call
    in the upload path) against the configured trust root."""
    root = get_settings().sigstore_trust_root
    if not root:
        return attestation.verify(publisher, dist, offline=True)
    return _verify_with_root(attestation, publisher, dist, root)


def _verify_with_root(attestation: Attestation, publisher: Publisher, dist: Distribution,
                      root: str) -> tuple[str, Any]:
    """As Attestation.verify, with a private Sigstore instance's trusted root: the library takes
    only the public-good instance's, so its verifier is made here and its checks of the
    statement (one subject, the file's name and sha256, a known predicate type) follow."""
    from pypi_attestations import AttestationType, VerificationError
    from pypi_attestations._impl import _check_dist_filename, _Statement
    from sigstore.errors import Error as SigstoreError
    from sigstore.models import TrustedRoot
    from sigstore.verify import Verifier

    try:
        verifier = Verifier(trusted_root=TrustedRoot.from_file(root))
        _, payload = verifier.verify_dsse(attestation.to_bundle(), publisher._as_policy())  # noqa: SLF001
    except SigstoreError as exc:
        raise VerificationError(str(exc)) from exc
    statement = _Statement.model_validate_json(payload)
    if len(statement.subjects) != 1:
        raise VerificationError("the statement must have exactly one subject")
    subject = statement.subjects[0]
    if not subject.name or _check_dist_filename(subject.name) != _check_dist_filename(dist.name):
        raise VerificationError(f"subject does not match distribution name: {subject.name} != {dist.name}")
    if subject.digest.root.get("sha256") != dist.digest:
        raise VerificationError("subject does not match distribution digest")
    try:
        AttestationType(statement.predicate_type)
    except ValueError as exc:
        raise VerificationError(f"unknown attestation type: {statement.predicate_type}") from exc
    return statement.predicate_type, statement.predicate


def _trust_root_cache() -> None:
    """sigstore keeps its trust root under the user's cache and data directories; where the home
    is not writable (Lambda: only /tmp is) they go under the temporary directory."""
    if os.access(os.path.expanduser("~"), os.W_OK):
        return
    base = os.path.join(tempfile.gettempdir(), "sigstore")
    os.environ.setdefault("XDG_CACHE_HOME", os.path.join(base, "cache"))
    os.environ.setdefault("XDG_DATA_HOME", os.path.join(base, "data"))

