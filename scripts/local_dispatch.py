"""The local stack's dispatcher: the loop a deployment's every-minute Lambda runs
(chalicelib.webhooks.dispatch), run for as long as `make run` serves: events go to the stream
file (CHEESESHOP_EVENT_FILE) and to the webhooks that want them within a second or two, and
failed deliveries are tried again when their wait is over; and, as the every-minute
count_downloads does, the downloads in the local file server's access logs are counted
(chalicelib.downloads), every two seconds.
Run by scripts/run_local.py: `python scripts/local_dispatch.py` with the stack's environment.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import logging  # noqa: E402

from chalicelib import registry  # noqa: E402
from chalicelib.core.config import get_settings  # noqa: E402
from chalicelib.downloads import logs  # noqa: E402
from chalicelib.downloads.views import resolve  # noqa: E402
from chalicelib.webhooks import dispatch  # noqa: E402

if __name__ == "__main__":
    registry.bind(get_settings())
    while True:
        try:
            logs.run(resolve)
        except Exception:  # a store that fails now is tried again at the next pass
            logging.getLogger(__name__).exception("counting downloads failed")
        dispatch.run(2, pause=0.5)
