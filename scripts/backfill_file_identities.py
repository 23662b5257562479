"""Records the identity (chalicelib.packaging.filenames.canonical) of every file uploaded before
identities were kept, listed or deleted, so that none comes back under another spelling.

Safe to run again: an identity already recorded is left as it is. Locally it talks to the local
AWS that `make run` serves (MOTO_PORT); on a deployment, run it once with the deployment's AWS
credentials and its table prefix (the stack's name and a dash):

    CHEESESHOP_STAGE=prod CHEESESHOP_TABLE_PREFIX=cheeseshop- AWS_DEFAULT_REGION=eu-west-1 \\
        .venv/bin/python scripts/backfill_file_identities.py
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    stage = os.environ.setdefault("CHEESESHOP_STAGE", "local")
    if stage == "local":
        port = int(os.environ.get("MOTO_PORT", "5000"))
        os.environ.update({"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "testing",
                           "AWS_SECRET_ACCESS_KEY": "testing"})
    else:  # nothing is signed here
        os.environ.setdefault("CHEESESHOP_SECRET_KEY", "not-used-by-the-backfill")

    from chalicelib import registry
    from chalicelib.core.config import get_settings
    from chalicelib.packaging.filenames import backfill

    registry.bind(get_settings())
    added, seen = backfill()
    print(f"{added} identities recorded for {seen} files.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
