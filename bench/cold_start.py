"""Cold start: a fresh Python process imports the app and answers its first request.

cheeseshop (GET /account/login/, a full page) is timed side by side with a bare Chalice
app that imports boto3 and answers one JSON route. Target: within 1.2x of the bare app.
Then the Lambda zip `make package` builds, whose size counts too (target: at most 17.5 MB; it
was 10.33 MB before PEP 740's verification brought sigstore, pydantic and rfc3161-client, which
load only for an attested upload; Lambda takes 50 MB).
Run: .venv/bin/python bench/cold_start.py [runs]
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE_APP = """
import boto3
from chalice import Chalice
app = Chalice(app_name="bare")

@app.route("/account/login")
def index():
    return {"hello": "world"}
"""

FIRST_REQUEST = """
import sys, time
start = time.perf_counter()
sys.path.insert(0, sys.argv[1])
from app import app
event = {"resource": "/account/login", "path": "/account/login/", "httpMethod": "GET", "headers": {},
         "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
         "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
         "requestContext": {"resourcePath": "/account/login", "httpMethod": "GET", "path": "/account/login/",
                            "identity": {"sourceIp": "127.0.0.1"}}}
response = app(event, None)
assert response["statusCode"] == 200, response
print(time.perf_counter() - start)
"""


def one_run(project: Path) -> float:
    env = {**os.environ, "CHEESESHOP_STAGE": "prod", "CHEESESHOP_SECRET_KEY": "b" * 40,
           "AWS_DEFAULT_REGION": "us-east-1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # any value, "0" too, stops .pyc files being written
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", FIRST_REQUEST, str(project)], env=env, check=True,
                   capture_output=True, text=True)
    return time.perf_counter() - start


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as bare:
        (Path(bare) / "app.py").write_text(BARE_APP)
        one_run(Path(bare)), one_run(ROOT)  # warm the OS file cache and .pyc files
        bare_times, shop_times = [], []
        for _ in range(runs):  # interleaved, so background noise hits both alike
            bare_times.append(one_run(Path(bare)))
            shop_times.append(one_run(ROOT))
    bare_median, shop_median = statistics.median(bare_times), statistics.median(shop_times)
    print(f"cold start, median of {runs} fresh processes (interpreter start + import + first request)")
    print(f"  bare Chalice + boto3 : {bare_median * 1000:7.1f} ms")
    print(f"  cheeseshop           : {shop_median * 1000:7.1f} ms")
    print(f"  ratio                : {shop_median / bare_median:7.2f}x   (target <= 1.20x)")
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(["make", "-s", "package", f"OUT={out}"], cwd=ROOT, check=True, capture_output=True)
        size = (Path(out) / "deployment.zip").stat().st_size
    print(f"  Lambda zip           : {size / 1e6:7.2f} MB  (target <= 17.5 MB)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
