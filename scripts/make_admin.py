"""`make admin USER=<name>`: makes an existing user an administrator.

Locally it talks to the local AWS that `make run` serves (MOTO_PORT). On a deployment, run it
with the deployment's AWS credentials and its table prefix (the stack's name and a dash):

    CHEESESHOP_STAGE=prod CHEESESHOP_TABLE_PREFIX=cheeseshop- AWS_DEFAULT_REGION=eu-west-1 \\
        .venv/bin/python scripts/make_admin.py <name>

The grant is written to the admin log, as made from the command line by the person the
operating system names.
"""
from __future__ import annotations

import getpass
import os
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].strip():
        print("usage: make admin USER=<name>", file=sys.stderr)
        return 2
    stage = os.environ.setdefault("CHEESESHOP_STAGE", "local")
    if stage == "local":
        port = int(os.environ.get("MOTO_PORT", "5000"))
        os.environ.update({"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "testing",
                           "AWS_SECRET_ACCESS_KEY": "testing"})
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except OSError:
            print(f"Nothing listens on port {port}: start the site with `make run` first "
                  "(with the same MOTO_PORT).", file=sys.stderr)
            return 1
    else:  # the grant signs nothing, so a deployment's secret key is not needed here
        os.environ.setdefault("CHEESESHOP_SECRET_KEY", "not-used-by-the-administrator-grant")

    from chalicelib import registry
    from chalicelib.admin import users
    from chalicelib.core.config import get_settings
    from chalicelib.core.errors import NotFound
    from chalicelib.core.origin import Origin

    registry.bind(get_settings())
    who = f"{getpass.getuser()} (command line)"
    try:
        made = users.grant(argv[0], Origin(ip="", user_agent="make admin"), by=who)
    except NotFound:
        print(f"No user named '{argv[0]}': register the account first.", file=sys.stderr)
        return 1
    print(f"{argv[0]} is {'now' if made else 'already'} an administrator. Administrator pages need "
          "two-factor authentication: /admin/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
