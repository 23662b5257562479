"""Brings stored data up to what this code expects (chalicelib.admin.migrations): safe to run
again. `make run` runs it on the saved local state; on a deployment, run it once after each
upgrade with the deployment's AWS credentials and its table prefix (the stack's name and a dash):

    CHEESESHOP_STAGE=prod CHEESESHOP_TABLE_PREFIX=cheeseshop- AWS_DEFAULT_REGION=eu-west-1 \\
        .venv/bin/python scripts/migrate.py
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
        os.environ.setdefault("CHEESESHOP_SECRET_KEY", "not-used-by-the-migrations")

    from chalicelib import registry
    from chalicelib.admin import migrations
    from chalicelib.core.config import get_settings

    registry.bind(get_settings())
    for what, count in migrations.run_all().items():
        print(f"{what}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
