"""What PEP 740 costs an upload: the time to verify a real attestation (the GitHub-published
asset of the pypi-attestations sdist) in a fresh process, where it includes importing sigstore
and loading its trust root, and again once both are loaded (the next attested upload in the same
container). Uploads without attestations import none of it: the cold-start bench shows that.

Run: .venv/bin/python bench/attestations.py [runs]
"""
from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ONE = """
import json, sys, time
started = time.perf_counter()
from chalicelib.provenance import attestations
raw, filename, sha256, attester = json.loads(sys.argv[1])
attestations.check(raw, filename, sha256, attester)
first = time.perf_counter() - started
warm = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    attestations.check(raw, filename, sha256, attester)
    warm.append(time.perf_counter() - started)
print(json.dumps({"first": first, "warm": warm}))
"""


def main(runs: int) -> None:
    from tests import attestations as a

    asset = a.GITHUB
    content = a.content(asset)
    attester = json.dumps({"kind": "GitHub", "repository": f"{asset.owner}/{asset.repository}",
                           "workflow": asset.workflow, "environment": None})
    given = json.dumps([json.dumps([a.attestation(asset)]), asset.filename, hashlib.sha256(content).hexdigest(),
                        attester])
    firsts, warm = [], []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": f"{tmp}/cache", "XDG_DATA_HOME": f"{tmp}/data"}  # a new container's
        for _ in range(5):
            done = subprocess.run([sys.executable, "-c", ONE, given, str(runs)], cwd=ROOT, env=env, check=True,
                                  capture_output=True, text=True)
            measured = json.loads(done.stdout)
            firsts.append(measured["first"])
            warm += measured["warm"]
    print(f"PEP 740 verification of {asset.filename} (one attestation, offline)")
    print(f"  first in a process (import + trust root + verify): median {statistics.median(firsts) * 1000:7.1f} ms")
    print(f"  later ones                                       : median {statistics.median(warm) * 1000:7.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
