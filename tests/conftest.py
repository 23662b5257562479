import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Never let a test reach real AWS, whatever the developer's shell holds.
for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(name, None)
os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                  AWS_DEFAULT_REGION="us-east-1")


@pytest.fixture
def atomic_store_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process moto is not thread-safe (it copies a table while another thread writes it,
    and two conditional updates can both pass). Each store call is made atomic, as DynamoDB's
    own are; the app's threads still interleave between calls, which is where a limit that
    reads, checks and then counts would let guesses through."""
    import threading

    from moto.core.botocore_stubber import BotocoreStubber

    lock, real = threading.Lock(), BotocoreStubber.__call__

    def one_at_a_time(self: BotocoreStubber, *args: object, **kwargs: object) -> object:
        with lock:
            return real(self, *args, **kwargs)
    monkeypatch.setattr(BotocoreStubber, "__call__", one_at_a_time)
