"""`make package`: the zip Lambda runs and the template CloudFormation deploys."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from chalicelib import registry
from chalicelib.core.db import base_table_name
from tests import attestations as a
from tests.conftest import ROOT

# What the Lambda Python runtime provides besides the standard library.
RUNTIME_LIBRARIES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py")

SERVE_ONE_REQUEST = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import jinja2
compiled = []
_compile = jinja2.Environment.compile
def counting(self, *args, **kwargs):
    compiled.append(args[1] if len(args) > 1 else kwargs.get("name"))
    return _compile(self, *args, **kwargs)
jinja2.Environment.compile = counting
from app import app
event = {"resource": "/account/login", "path": "/account/login/", "httpMethod": "GET",
         "headers": {"Host": "example.test"}, "multiValueHeaders": {}, "queryStringParameters": None,
         "multiValueQueryStringParameters": None, "pathParameters": None, "stageVariables": None,
         "requestContext": {"resourcePath": "/account/login", "httpMethod": "GET", "path": "/api/account/login/",
                            "identity": {"sourceIp": "192.0.2.1"}, "stage": "api"},
         "body": None, "isBase64Encoded": False}
response = app(event, None)
HEAVY = ("zxcvbn", "argon2", "cryptography", "OpenSSL", "webauthn", "readme_renderer", "pygments", "docutils",
         "multipart", "cbor2", "nh3", "comrak", "segno", "jwt", "sigstore", "pypi_attestations", "pydantic")
heavy_loaded = sorted(name for name in HEAVY if name in sys.modules)
# What loads only on demand must load from the zip too: compiled wheels for the runtime's Python.
from chalicelib.accounts import passwords
from chalicelib.core import crypto
from chalicelib.mfa import totp, webauthn
from chalicelib.packaging import names, readme
sealed = crypto.seal("secret", purpose="p", owner="o")
checks = {
    "seal": crypto.unseal(sealed, purpose="p", owner="o") == "secret",
    "argon2": passwords.verify(passwords.hash_password("pw"), "pw"),
    "zxcvbn": passwords.problems("password1", "password1", user_inputs=[]) is not None,
    "qr": totp.qr_svg_data_uri("otpauth://totp/a:b?secret=A").startswith("data:image/svg+xml"),
    "totp": len(totp.code_at(totp.new_secret(), 1)) == 6,
    "webauthn": webauthn.registration_options("u", "U", [])[0]["rp"]["id"] == "example.test",
    "markdown": "<em>x</em>" in readme.render("*x*", "text/markdown"),
    "rst": "<h1>" in readme.render(chr(10).join(["T", "=", "", "x"]), "text/x-rst"),
    "versions": names.normalize("Foo.Bar") == "foo-bar",
    # every attestation format py_webauthn verifies loads (android-key reads its certificates
    # with the one pyasn1 module the zip keeps)
    "attestation formats": __import__("webauthn.registration.verify_registration_response") is not None
    and __import__("webauthn.registration.formats.android_key") is not None,
}
# PEP 740: a real attestation verifies offline from the zip, with sigstore's cache in the
# temporary directory (the only writable place on Lambda; the home here does not exist).
import hashlib, os
from chalicelib.provenance import attestations as pep740
assets, (filename, attestation, attester) = sys.argv[3], json.loads(sys.argv[4])
with open(os.path.join(assets, filename), "rb") as f:
    sha256 = hashlib.sha256(f.read()).hexdigest()
with open(os.path.join(assets, attestation)) as f:
    checked = pep740.check("[" + f.read() + "]", filename, sha256, attester)
checks["pep 740"] = json.loads(checked.summary)["publisher"] == json.loads(attester)
checks["sigstore cache"] = os.environ["XDG_DATA_HOME"].startswith(os.environ["TMPDIR"])
from datetime import datetime
from chalicelib.core import translation
with translation.using("fr"):
    checks["catalogs"] = translation.gettext("Log in") == "Se connecter"
    checks["dates"] = translation.format_date(datetime(2026, 6, 1)) == "1 juin 2026"
with translation.using("es"):
    checks["numbers"] = translation.format_size(1536) == "1,5 KiB"
print(json.dumps({"status": response["statusCode"], "body": response["body"],
                  "heavy_loaded": heavy_loaded, "checks": checks, "templates_compiled": compiled,
                  "outside": sorted({m.__file__.split("/site-packages/")[0] for m in list(sys.modules.values())
                                     if getattr(m, "__file__", None) and "site-packages" in m.__file__})}))
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("package")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "package.py"), str(out)], cwd=ROOT, check=True)
    return out


def test_zip_has_code_templates_and_compiled_libraries(package):
    names = set(zipfile.ZipFile(package / "deployment.zip").namelist())
    for required in ("app.py", "chalicelib/web/routing.py", "chalicelib/accounts/data/common-passwords.txt",
                     "templates/base.html", "templates/account/login.html", "templates/mail/verify-email.txt"):
        assert required in names
    assert any(name.startswith("_argon2_cffi_bindings/") and name.endswith(".so") for name in names)
    assert any(name.startswith("cryptography/") and name.endswith(".so") for name in names)
    assert not any(name.startswith(("botocore/", "boto3/")) for name in names)
    for language in ("es", "fr"):
        assert f"chalicelib/i18n/locale/{language}/LC_MESSAGES/messages.mo" in names
    assert {name for name in names if name.startswith("babel/locale-data/")} == {
        f"babel/locale-data/{language}.dat" for language in ("root", "en", "es", "fr")}
    # About 17.1 MB, with the compiled libraries stripped: cryptography ~4, readme-renderer's pygments,
    # nh3, comrak and docutils ~3, webauthn's cbor2 and pyasn1 ~0.6, and for PEP 740 (10.35 MB before)
    # pydantic ~2.6, rfc3161-client ~2.1, tuf and securesystemslib ~1. Lambda takes 50 MB zipped;
    # botocore alone would add 16.
    assert (package / "deployment.zip").stat().st_size < 18 * 1000 * 1000


def test_zip_serves_a_page_with_only_the_runtime_libraries(package, tmp_path):
    code = tmp_path / "task"
    zipfile.ZipFile(package / "deployment.zip").extractall(code)
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    site = Path(next(p for p in sys.path if p.endswith("site-packages")))
    for name in RUNTIME_LIBRARIES:
        (runtime / name).symlink_to(site / name)
    (tmp_path / "tmp").mkdir()  # a new container's /tmp: empty
    env = {"CHEESESHOP_STAGE": "prod", "CHEESESHOP_SECRET_KEY": "k" * 40, "CHEESESHOP_PATH_PREFIX": "/api",
           "CHEESESHOP_BASE_URL": "https://example.test", "TMPDIR": str(tmp_path / "tmp"),
           "AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "no-home")}
    asset = a.GITHUB
    attester = json.dumps({"kind": "GitHub", "repository": f"{asset.owner}/{asset.repository}",
                           "workflow": asset.workflow, "environment": None})
    result = subprocess.run([sys.executable, "-S", "-E", "-c", SERVE_ONE_REQUEST, str(code), str(runtime),
                             str(a.folder()), json.dumps([asset.filename, asset.attestation, attester])],
                            cwd=code, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["status"] == 200
    assert "<title>Log in · cheeseshop</title>" in response["body"]
    assert 'action="/api/account/login/"' in response["body"]  # the deployed stage's /api prefix
    # What is large loads only on the paths that use it: new passwords (the strength checker),
    # checking one (argon2), security keys, descriptions, uploads, QR codes, trusted publishing.
    assert response["heavy_loaded"] == []
    assert response["templates_compiled"] == []  # the package's templates come compiled
    assert response["checks"] == {name: True for name in response["checks"]}
    assert response["outside"] == []  # nothing came from an installed site-packages


def test_template_has_tables_bucket_and_least_privilege(package):
    template = json.loads((package / "sam.json").read_text())
    resources = template["Resources"]
    assert resources["APIHandler"]["Properties"]["Runtime"] == "python3.12"
    tables = {name: r for name, r in resources.items() if r.get("Type") == "AWS::DynamoDB::Table"}
    assert len(tables) == len(registry.MODELS)
    for model in registry.MODELS:
        [declared] = [t["Properties"] for t in tables.values()
                      if t["Properties"]["TableName"]["Fn::Sub"] == "${AWS::StackName}-" + base_table_name(model)]
        keys = {k["AttributeName"]: k["KeyType"] for k in declared["KeySchema"]}
        assert keys == {k["AttributeName"]: k["KeyType"] for k in model._get_schema()["key_schema"]}
    assert any(r.get("Type") == "AWS::S3::Bucket" for r in resources.values())
    statements = [chosen for s in resources["DefaultRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
                  if (chosen := s["Fn::If"][1] if "Fn::If" in s else s)]  # with the CDN on: every statement
    for statement in statements:
        assert all(not action.endswith(":*") for action in statement["Action"])
        if any(action.startswith("dynamodb:") for action in statement["Action"]):
            assert statement["Resource"] != "*"
            assert "dynamodb:Scan" not in statement["Action"]
    env = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["CHEESESHOP_SECRET_KEY"] == {"Ref": "SecretKey"}
    assert env["CHEESESHOP_RETIRED_SECRET_KEYS"] == {"Ref": "RetiredSecretKeys"}
    assert template["Parameters"]["SecretKey"]["NoEcho"] is True
    assert template["Parameters"]["RetiredSecretKeys"]["NoEcho"] is True
    sweep = resources["SweepOrphans"]["Properties"]  # the hourly sweep of unlisted objects
    assert sweep["Events"]["SweepOrphansEvent"]["Properties"]["Schedule"] == "rate(1 hour)"
    assert sweep["Environment"]["Variables"]["CHEESESHOP_BUCKET"] == {"Ref": "FilesBucket"}
    listings = {json.dumps(s["Resource"]): s["Condition"] for s in statements if s["Action"] == ["s3:ListBucket"]}
    assert listings == {json.dumps({"Fn::GetAtt": ["FilesBucket", "Arn"]}): {
                            "StringLike": {"s3:prefix": ["packages/*"]}},
                        json.dumps({"Fn::GetAtt": ["DownloadLogsBucket", "Arn"]}): {
                            "StringLike": {"s3:prefix": ["cdn/*"]}}}


def test_template_offers_a_cdn_that_caches_the_simple_index(package):
    template = json.loads((package / "sam.json").read_text())
    assert template["Parameters"]["Cdn"]["Default"] == "off"  # off unless asked for
    resources = template["Resources"]
    assert resources["Distribution"]["Condition"] == "UseCdn"
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    cached = {b["PathPattern"]: b["CachePolicyId"] for b in config["CacheBehaviors"]}
    assert cached["/simple/*"] == cached["/packages/*"] == cached["/pypi/*"] == {"Ref": "SimpleCachePolicy"}
    policy = resources["SimpleCachePolicy"]["Properties"]["CachePolicyConfig"]
    key = policy["ParametersInCacheKeyAndForwardedToOrigin"]
    # PEP 691 by Accept; and an answer made for one token's holder is never served to another caller
    assert key["HeadersConfig"] == {"HeaderBehavior": "whitelist", "Headers": ["Accept", "Authorization"]}
    assert policy["MinTTL"] == 0 and policy["DefaultTTL"] == 0  # as long as the page's Cache-Control says
    env = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["CHEESESHOP_SIMPLE_MAX_AGE"] == {"Ref": "SimpleMaxAge"}
    assert env["CHEESESHOP_PRIVATE_INDEX"] == {"Ref": "PrivateIndex"}
    assert template["Parameters"]["PrivateIndex"]["Default"] == "0"  # public unless asked for
    assert env["CHEESESHOP_CDN_PARAMETER"]["Fn::If"][0] == "UseCdn"  # where the app finds what to invalidate
    actions = [s["Fn::If"][1]["Action"] for s in resources["DefaultRole"]["Properties"]["Policies"][0][
        "PolicyDocument"]["Statement"] if "Fn::If" in s]
    assert ["cloudfront:CreateInvalidation"] in actions and ["ssm:GetParameter"] in actions


def test_template_serves_public_files_from_the_bucket_through_the_cdn_and_never_withheld_ones(package):
    template = json.loads((package / "sam.json").read_text())
    resources = template["Resources"]
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    [files] = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/files/packages/*"]
    [origin] = [o for o in config["Origins"] if o["Id"] == files["TargetOriginId"]]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["FilesAccessControl", "Id"]}
    assert files["AllowedMethods"] == ["GET", "HEAD"]
    policy = resources["FilesCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert policy["DefaultTTL"] == 365 * 24 * 3600  # content-addressed: the bytes under a key never change
    statements = resources["FilesBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    [deny] = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"StringEquals": {"s3:ExistingObjectTag/withheld": "1"}}
    assert all(s["Resource"] == {"Fn::Sub": "${FilesBucket.Arn}/packages/*"} for s in statements)
    env = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["CHEESESHOP_FILES_URL"] == {"Fn::If": ["UseCdn", "/files", "off"]}


def test_template_counts_the_cdns_downloads_from_its_standard_logs(package):
    template = json.loads((package / "sam.json").read_text())
    resources = template["Resources"]
    logging = resources["Distribution"]["Properties"]["DistributionConfig"]["Logging"]
    assert logging == {"Bucket": {"Fn::GetAtt": ["DownloadLogsBucket", "DomainName"]}, "Prefix": "cdn/",
                       "IncludeCookies": False}
    bucket = resources["DownloadLogsBucket"]["Properties"]
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerPreferred"}]  # logging's ACLs
    counter = resources["CountDownloads"]["Properties"]
    assert counter["Events"]["CountDownloadsEvent"]["Properties"]["Schedule"] == "rate(1 minute)"
    assert counter["ReservedConcurrentExecutions"] == 1
    assert counter["Environment"]["Variables"]["CHEESESHOP_DOWNLOAD_LOGS"] == {
        "Fn::If": ["UseCdn", {"Fn::Sub": "s3://${DownloadLogsBucket}/cdn/"}, "off"]}


def test_template_lets_large_files_reach_the_bucket_and_clears_what_is_never_finished(package):
    template = json.loads((package / "sam.json").read_text())
    resources = template["Resources"]
    bucket = resources["FilesBucket"]["Properties"]
    [rule] = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled" and rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert template["Parameters"]["MaxFileSize"]["Default"] == 100 * 1024 * 1024
    env = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["CHEESESHOP_MAX_FILE_SIZE"] == {"Ref": "MaxFileSize"}
    actions = {a for s in resources["DefaultRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
               if "Action" in s for a in s["Action"]}
    assert {"s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"} <= actions


def test_template_passes_cfn_lint(package):
    result = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), str(package / "sam.json")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_template_streams_events_dispatches_them_and_raises_alarms(package):
    template = json.loads((package / "sam.json").read_text())
    resources = template["Resources"]
    assert resources["EventBus"]["Type"] == "AWS::Events::EventBus"
    for function in ("APIHandler", "DispatchEvents"):
        assert resources[function]["Properties"]["Environment"]["Variables"]["CHEESESHOP_EVENT_BUS"] == {
            "Ref": "EventBus"}
    dispatcher = resources["DispatchEvents"]["Properties"]
    assert dispatcher["Events"]["DispatchEventsEvent"]["Properties"]["Schedule"] == "rate(1 minute)"
    assert dispatcher["ReservedConcurrentExecutions"] == 1 and dispatcher["Timeout"] > 50  # polls 50 s, alone
    assert dispatcher["DeadLetterQueue"]["TargetArn"] == {"Fn::GetAtt": ["DispatcherDeadLetters", "Arn"]}
    alarms = {name: r["Properties"] for name, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert {(a["Namespace"], a["MetricName"]) for a in alarms.values()} == {
        ("AWS/ApiGateway", "5XXError"), ("AWS/Lambda", "Throttles"), ("AWS/SQS", "ApproximateNumberOfMessagesVisible")}
    assert all(a["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms.values())
    statements = resources["DefaultRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    [put] = [s for s in statements if "Action" in s and s["Action"] == ["events:PutEvents"]]
    assert put["Resource"] == {"Fn::GetAtt": ["EventBus", "Arn"]}
