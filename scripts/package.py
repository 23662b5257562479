"""`make package OUT=dir`: deployment.zip and sam.json for AWS.

The DynamoDB tables in sam.json are generated from the pynamodb models, so the key
schemas live in one place. templates/ is shipped through Chalice's vendor/ folder
(copied to the zip's root, beside app.py). Libraries the Lambda runtime already has
(boto3 and its dependencies) are left out of the zip, and so is Babel's data for languages the
site does not speak; compiled libraries are stripped of their symbol tables, and the templates
go compiled too. The catalogs' .mo files must be compiled first (`make package` does it).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import operations  # noqa: E402  (scripts/operations.py, beside this one)

from chalicelib import registry  # noqa: E402
from chalicelib.core.db import Model, base_table_name, hash_first  # noqa: E402

RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
# Babel's locale data for the site's languages only (each file needs root.dat beneath it): the
# whole set is about 30 MB, more than the rest of the package.
LOCALE_DATA = "babel/locale-data/"
TTL = "expires"


def resource_name(model: type[Model]) -> str:
    return "".join(part.title() for part in base_table_name(model).split("-")) + "Table"


def table(model: type[Model]) -> dict[str, Any]:
    schema = model._get_schema()
    props: dict[str, Any] = {
        "TableName": {"Fn::Sub": "${AWS::StackName}-" + base_table_name(model)},
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": schema["attribute_definitions"],
        "KeySchema": hash_first(schema["key_schema"]),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
    }
    if schema.get("global_secondary_indexes"):
        props["GlobalSecondaryIndexes"] = [
            {"IndexName": i["index_name"], "KeySchema": hash_first(i["key_schema"]),
             "Projection": i["projection"]}
            for i in schema["global_secondary_indexes"]
        ]
    if TTL in model.get_attributes():
        props["TimeToLiveSpecification"] = {"AttributeName": TTL, "Enabled": True}
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain", "Properties": props}


def policy(tables: list[str]) -> dict[str, Any]:
    table_arns = [{"Fn::GetAtt": [name, "Arn"]} for name in tables]
    index_arns = [{"Fn::Sub": "${" + name + ".Arn}/index/*"} for name in tables]
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*"}},
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
                                       "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                                       "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"],
         "Resource": table_arns + index_arns},
        # PutObject also signs the part URLs of upload sessions, whose uploaders act as this role.
        # The tags withhold a private or quarantined project's files from the CDN (chalicelib.packaging.exposure).
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload",
                                       "s3:ListMultipartUploadParts", "s3:GetObjectTagging", "s3:PutObjectTagging",
                                       "s3:DeleteObjectTagging"],
         "Resource": {"Fn::Sub": "${FilesBucket.Arn}/*"}},
        {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": {"Fn::GetAtt": ["FilesBucket", "Arn"]},
         "Condition": {"StringLike": {"s3:prefix": ["packages/*"]}}},  # the hourly sweep of unlisted objects
        {"Effect": "Allow", "Action": ["ses:SendRawEmail"], "Resource": "*",
         "Condition": {"StringEquals": {"ses:FromAddress": {"Ref": "MailSenderAddress"}}}},
        {"Fn::If": ["UseCdn", {"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": {
            "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter" + CDN_PARAMETER}},
            {"Ref": "AWS::NoValue"}]},
        # Any of the account's distributions: naming this one would make a cycle (distribution,
        # API, function, role).
        {"Fn::If": ["UseCdn", {"Effect": "Allow", "Action": ["cloudfront:CreateInvalidation"], "Resource": {
            "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*"}},
            {"Ref": "AWS::NoValue"}]},
        # The CDN's standard logs, read, counted as downloads and deleted by CountDownloads.
        {"Fn::If": ["UseCdn", {"Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"],
                               "Resource": {"Fn::Sub": "${DownloadLogsBucket.Arn}/" + LOGS_PREFIX + "*"}},
                    {"Ref": "AWS::NoValue"}]},
        {"Fn::If": ["UseCdn", {"Effect": "Allow", "Action": ["s3:ListBucket"],
                               "Resource": {"Fn::GetAtt": ["DownloadLogsBucket", "Arn"]},
                               "Condition": {"StringLike": {"s3:prefix": [LOGS_PREFIX + "*"]}}},
                    {"Ref": "AWS::NoValue"}]},
        *operations.statements(),
    ]}


CDN_PARAMETER = "/${AWS::StackName}/cdn-distribution"
# AWS's managed policies: no caching, and every viewer header but Host passed to API Gateway.
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


FILES_PATH = "/files"  # where the CDN serves the bucket's files: the app links public files there
LOGS_PREFIX = "cdn/"  # where the CDN leaves its standard logs in DownloadLogsBucket
CACHE_A_YEAR = 365 * 24 * 3600
STRIP_FILES_PATH = ("function handler(event) {\n  var request = event.request;\n"
                    "  request.uri = request.uri.substring(" + str(len(FILES_PATH)) + ");\n  return request;\n}\n")


def files_cdn() -> dict[str, Any]:
    """The bucket behind the CDN at /files/ (origin access control): public files are fetched
    there without waking the app, cached for a year (content-addressed, never changed; a
    deleted or withheld file is invalidated). The bucket's policy lets CloudFront read objects
    under packages/ only, and never one tagged withheld (a private or quarantined project's)."""
    distribution = {"Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}"}
    cloudfront = {"Service": "cloudfront.amazonaws.com"}
    packages = {"Fn::Sub": "${FilesBucket.Arn}/packages/*"}
    return {
        "FilesAccessControl": {"Type": "AWS::CloudFront::OriginAccessControl", "Condition": "UseCdn", "Properties": {
            "OriginAccessControlConfig": {"Name": {"Fn::Sub": "${AWS::StackName}-files"},
                                          "OriginAccessControlOriginType": "s3", "SigningBehavior": "always",
                                          "SigningProtocol": "sigv4"}}},
        "FilesPath": {"Type": "AWS::CloudFront::Function", "Condition": "UseCdn", "Properties": {
            "Name": {"Fn::Sub": "${AWS::StackName}-files-path"}, "AutoPublish": True, "FunctionCode": STRIP_FILES_PATH,
            "FunctionConfig": {"Comment": "/files/packages/... is the object packages/...",
                               "Runtime": "cloudfront-js-2.0"}}},
        "FilesCachePolicy": {"Type": "AWS::CloudFront::CachePolicy", "Condition": "UseCdn", "Properties": {
            "CachePolicyConfig": {
                "Name": {"Fn::Sub": "${AWS::StackName}-files"}, "MinTTL": CACHE_A_YEAR, "DefaultTTL": CACHE_A_YEAR,
                "MaxTTL": CACHE_A_YEAR, "ParametersInCacheKeyAndForwardedToOrigin": {
                    "EnableAcceptEncodingGzip": False, "EnableAcceptEncodingBrotli": False,
                    "HeadersConfig": {"HeaderBehavior": "none"}, "CookiesConfig": {"CookieBehavior": "none"},
                    "QueryStringsConfig": {"QueryStringBehavior": "none"}}}}},
        # CloudFront's standard logs (downloads are counted from them, chalicelib.downloads.logs):
        # its logging writes with an ACL, which the bucket's owner is given. Counted objects are
        # deleted; any left (counting stopped for two weeks) expire.
        "DownloadLogsBucket": {"Type": "AWS::S3::Bucket", "Condition": "UseCdn", "Properties": {
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]},
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                               "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            "LifecycleConfiguration": {"Rules": [{"Id": "expire-uncounted-logs", "Status": "Enabled",
                                                  "ExpirationInDays": 14}]}}},
        "FilesBucketPolicy": {"Type": "AWS::S3::BucketPolicy", "Condition": "UseCdn", "Properties": {
            "Bucket": {"Ref": "FilesBucket"}, "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": cloudfront, "Action": "s3:GetObject", "Resource": packages,
                 "Condition": {"StringEquals": {"AWS:SourceArn": distribution}}},
                {"Effect": "Deny", "Principal": cloudfront, "Action": "s3:GetObject", "Resource": packages,
                 "Condition": {"StringEquals": {"s3:ExistingObjectTag/withheld": "1"}}}]}}},
    }


def cdn() -> dict[str, Any]:
    """CloudFront in front of API Gateway, when the Cdn parameter is "on": /simple/*, /pypi/*
    (the JSON API) and /packages/* cached as their responses say (Cache-Control, by Accept and Authorization), the
    bucket's public files at /files/, the rest passed through uncached. The app invalidates a
    project's pages after each write."""
    cached = {"TargetOriginId": "api", "ViewerProtocolPolicy": "redirect-to-https",
              "AllowedMethods": ["GET", "HEAD"], "CachedMethods": ["GET", "HEAD"], "Compress": True,
              "CachePolicyId": {"Ref": "SimpleCachePolicy"}}
    return {
        "SimpleCachePolicy": {"Type": "AWS::CloudFront::CachePolicy", "Condition": "UseCdn", "Properties": {
            "CachePolicyConfig": {
                "Name": {"Fn::Sub": "${AWS::StackName}-simple"}, "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 86400,
                "ParametersInCacheKeyAndForwardedToOrigin": {
                    "EnableAcceptEncodingGzip": True, "EnableAcceptEncodingBrotli": True,
                    # Authorization in the key (and so passed to the app): an answer made for one
                    # token's holder is never served to another caller (private answers also say no-store).
                    "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": ["Accept", "Authorization"]},
                    "CookiesConfig": {"CookieBehavior": "none"},
                    "QueryStringsConfig": {"QueryStringBehavior": "none"}}}}},
        "Distribution": {"Type": "AWS::CloudFront::Distribution", "Condition": "UseCdn", "Properties": {
            "DistributionConfig": {
                "Enabled": True, "HttpVersion": "http2and3", "PriceClass": "PriceClass_100",
                "Logging": {"Bucket": {"Fn::GetAtt": ["DownloadLogsBucket", "DomainName"]}, "Prefix": LOGS_PREFIX,
                            "IncludeCookies": False},
                "Comment": {"Fn::Sub": "${AWS::StackName}: the package index"},
                "Origins": [{"Id": "api", "OriginPath": "/api",
                             "DomainName": {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"},
                             "CustomOriginConfig": {"OriginProtocolPolicy": "https-only",
                                                    "OriginSSLProtocols": ["TLSv1.2"]}},
                            {"Id": "files", "DomainName": {"Fn::GetAtt": ["FilesBucket", "RegionalDomainName"]},
                             "S3OriginConfig": {"OriginAccessIdentity": ""},
                             "OriginAccessControlId": {"Fn::GetAtt": ["FilesAccessControl", "Id"]}}],
                "DefaultCacheBehavior": {
                    "TargetOriginId": "api", "ViewerProtocolPolicy": "redirect-to-https",
                    "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                    "CachePolicyId": CACHING_DISABLED, "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST},
                "CacheBehaviors": [{"PathPattern": "/simple/*", **cached}, {"PathPattern": "/simple", **cached},
                                   {"PathPattern": "/packages/*", **cached}, {"PathPattern": "/pypi/*", **cached},
                                   {"PathPattern": FILES_PATH + "/packages/*", "TargetOriginId": "files",
                                    "ViewerProtocolPolicy": "redirect-to-https", "AllowedMethods": ["GET", "HEAD"],
                                    "CachedMethods": ["GET", "HEAD"], "Compress": False,
                                    "CachePolicyId": {"Ref": "FilesCachePolicy"},
                                    "FunctionAssociations": [{"EventType": "viewer-request", "FunctionARN": {
                                        "Fn::GetAtt": ["FilesPath", "FunctionMetadata.FunctionARN"]}}]}]}}},
        "CdnParameter": {"Type": "AWS::SSM::Parameter", "Condition": "UseCdn", "Properties": {
            "Name": {"Fn::Sub": CDN_PARAMETER}, "Type": "String", "Value": {"Ref": "Distribution"},
            "Description": "The CloudFront distribution whose cached pages the app invalidates"}},
    }


def merge_template() -> dict[str, Any]:
    tables = {resource_name(model): table(model) for model in registry.MODELS}
    return {
        "Parameters": {
            "SecretKey": {"Type": "String", "NoEcho": True, "MinLength": 32,
                          "Description": "Derives every key: links, CSRF, sealed TOTP secrets, token and "
                                         "recovery-code hashes. Keep it secret."},
            "RetiredSecretKeys": {"Type": "String", "NoEcho": True, "Default": "",
                                  "Description": "Earlier secret keys, separated by spaces: still accepted "
                                                 "for what they made, never used for anything new."},
            "BaseUrl": {"Type": "String", "Description": "Public URL of the site, for links in mail."},
            "MailSenderAddress": {"Type": "String", "Description": "A verified SES sender address."},
            "Cdn": {"Type": "String", "AllowedValues": ["on", "off"], "Default": "off",
                    "Description": "CloudFront in front of the API, caching the simple index and downloads "
                                   "(the site is then at the distribution's address, with no /api)."},
            "SimpleMaxAge": {"Type": "Number", "Default": 60, "MinValue": 0,
                             "Description": "Seconds installers and caches may keep a simple page."},
            "MaxFileSize": {"Type": "Number", "Default": 100 * 1024 * 1024, "MinValue": 1,
                            "Description": "Bytes a file uploaded by an upload session may hold (/legacy/ "
                                           "takes 4 MiB, what Lambda can receive)."},
            "DeletedNameHold": {"Type": "String", "Default": "forever", "AllowedPattern": "^(forever|[0-9]+)$",
                                "Description": "How long a deleted project's name is held for its former Owners: "
                                               "'forever' (until an administrator releases it) or days (0: none)."},
            "RecoveryWait": {"Type": "Number", "Default": 48 * 3600, "MinValue": 0,
                             "Description": "Seconds from an administrator's start of an account recovery until "
                                            "the user's mailed link works (every verified address may cancel it)."},
            "UpstreamIndex": {"Type": "String", "Default": "", "AllowedPattern": "^(|https://.+)$",
                              "Description": "A simple index (usually https://pypi.org/simple/) whose projects this "
                                             "one serves for names it does not hold; empty: none."},
            "UpstreamCopy": {"Type": "String", "AllowedValues": ["1", "0"], "Default": "0",
                             "Description": "1: an upstream file is copied to this index's bucket at its first "
                                            "download, so installs keep working while the upstream is down."},
            "SigstoreTrustRoot": {"Type": "String", "Default": "",
                                  "Description": "A private Sigstore instance's trusted root, a JSON file shipped in "
                                                 "the package (its path), for verifying PEP 740 attestations; "
                                                 "empty: Sigstore's public-good instance."},
            "PrivateIndex": {"Type": "String", "AllowedValues": ["1", "0"], "Default": "0",
                             "Description": "1: every read (pages, the simple index, downloads, the JSON API, "
                                            "feeds) needs a login or an API token with the Read permission."},
            "ConfirmNewDevices": {"Type": "String", "AllowedValues": ["1", "0"], "Default": "1",
                                  "Description": "1: a login by authenticator or recovery code from a browser the "
                                                 "account has not seen waits for a link mailed to the user."},
        },
        "Conditions": {"UseCdn": {"Fn::Equals": [{"Ref": "Cdn"}, "on"]}},
        "Outputs": {"CdnAddress": {"Condition": "UseCdn", "Description": "The site's address through the CDN",
                                   "Value": {"Fn::Sub": "https://${Distribution.DomainName}/"}}},
        "Resources": {
            **tables,
            **cdn(),
            **files_cdn(),
            **operations.resources(),
            "FilesBucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain",
                            "UpdateReplacePolicy": "Retain", "Properties": {
                                "PublicAccessBlockConfiguration": {
                                    "BlockPublicAcls": True, "BlockPublicPolicy": True,
                                    "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
                                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                                # The parts of an upload session's file that was never completed.
                                "LifecycleConfiguration": {"Rules": [
                                    {"Id": "abort-unfinished-uploads", "Status": "Enabled",
                                     "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]}}},
            # Paths no resource matches: the site's 404, not API Gateway's "Missing Authentication Token".
            "NotFoundResponse": {"Type": "AWS::ApiGateway::GatewayResponse", "Properties": {
                "RestApiId": {"Ref": "RestAPI"}, "ResponseType": "MISSING_AUTHENTICATION_TOKEN",
                "StatusCode": "404", "ResponseTemplates": {"text/plain": "Not found.",
                                                           "application/json": '{"message": "Not Found"}'}}},
            "DefaultRole": {"Properties": {"Policies": [
                {"PolicyName": "DefaultRolePolicy", "PolicyDocument": policy(list(tables))}]}},
            **{function: {"Properties": {**operations.function_properties(function),
                                         "Environment": {"Variables": ENVIRONMENT}}} for function in functions()},
        },
    }


ENVIRONMENT = {  # every function's, besides the stage's own from .chalice/config.json
    "CHEESESHOP_TABLE_PREFIX": {"Fn::Sub": "${AWS::StackName}-"},
    "CHEESESHOP_BUCKET": {"Ref": "FilesBucket"},
    "CHEESESHOP_SECRET_KEY": {"Ref": "SecretKey"},
    "CHEESESHOP_RETIRED_SECRET_KEYS": {"Ref": "RetiredSecretKeys"},
    "CHEESESHOP_BASE_URL": {"Ref": "BaseUrl"},
    "CHEESESHOP_MAIL_SENDER": {"Ref": "MailSenderAddress"},
    "CHEESESHOP_SIMPLE_MAX_AGE": {"Ref": "SimpleMaxAge"},
    "CHEESESHOP_MAX_FILE_SIZE": {"Ref": "MaxFileSize"},
    "CHEESESHOP_DELETED_NAME_HOLD": {"Ref": "DeletedNameHold"},
    "CHEESESHOP_RECOVERY_WAIT_SECONDS": {"Ref": "RecoveryWait"},
    "CHEESESHOP_CONFIRM_NEW_DEVICES": {"Ref": "ConfirmNewDevices"},
    "CHEESESHOP_PRIVATE_INDEX": {"Ref": "PrivateIndex"},
    "CHEESESHOP_UPSTREAM_INDEX": {"Ref": "UpstreamIndex"},
    "CHEESESHOP_UPSTREAM_COPY": {"Ref": "UpstreamCopy"},
    "CHEESESHOP_SIGSTORE_TRUST_ROOT": {"Ref": "SigstoreTrustRoot"},
    **operations.environment(),
    "CHEESESHOP_FILES_URL": {"Fn::If": ["UseCdn", FILES_PATH, "off"]},  # public files from the CDN, when it is on
    "CHEESESHOP_CDN_PARAMETER": {"Fn::If": ["UseCdn", {"Fn::Sub": CDN_PARAMETER}, ""]},
    "CHEESESHOP_DOWNLOAD_LOGS": {"Fn::If": ["UseCdn", {"Fn::Sub": "s3://${DownloadLogsBucket}/" + LOGS_PREFIX}, "off"]},
    # Through the CDN, whose origin path is the stage's, public paths have no /api.
    "CHEESESHOP_PATH_PREFIX": {"Fn::If": ["UseCdn", "", "/api"]},
}


def functions() -> list[str]:
    """The template's Lambda functions: the API's and one per scheduled task (as Chalice names them)."""
    from app import app

    return ["APIHandler", *("".join(part.capitalize() for part in source.name.split("_"))
                            for source in app.event_sources)]


# What no request reads: the build machine's bytecode caches, install records, type stubs, the
# tooling that makes local tables and migrates stored data (run from a machine, not the Lambda),
# the catalogs' sources (the site reads the compiled .mo files), the C parser cffi needs only to
# build bindings (argon2's are compiled ahead), the ASN.1 modules of RFCs py_webauthn never reads
# (it reads certificates with rfc5280's alone), docutils' words for other languages and its
# writers other than the HTML one descriptions use, and what sigstore brings for its command line
# and for signing (rich; email-validator with dnspython), which verifying attestations never imports.
UNREAD = re.compile(r"(^|/)__pycache__/|\.dist-info/RECORD$|\.pyi$|^chalicelib/(provision|admin/migrations)\.py$"
                    r"|^(rich|dns|email_validator)/"
                    r"|^chalicelib/i18n/(.*\.pot?|babel\.cfg)$|^pycparser/|^pyasn1_modules/(?!(__init__|rfc5280)\.py$)"
                    r"|^docutils/(parsers/rst/)?languages/(?!(en|__init__)\.py$)"
                    r"|^docutils/writers/(latex2e|xetex|odf_odt|s5_html|manpage|pep_html|docutils_xml|pseudoxml)")


def needed(filename: str) -> bool:
    """Whether the zip keeps a file: not a library the runtime has, not another language's data,
    nothing no request reads."""
    from chalicelib.core.translation import LANGUAGES

    top = filename.split("/")[0].split(".")[0].split("-")[0]
    if top.removeprefix("python_") in RUNTIME_PROVIDED or UNREAD.search(filename):
        return False
    if filename.startswith(LOCALE_DATA):
        return Path(filename).stem in {"root", *LANGUAGES}
    return True


def strip_unneeded(path: Path) -> None:
    """Leaves out what the Lambda does not need; compiled libraries lose their symbol tables
    (`strip --strip-unneeded`, when the machine has it): about a fifth of their size."""
    stripped = path.with_suffix(".tmp")
    strip = shutil.which("strip")
    with zipfile.ZipFile(path) as source, \
            zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if needed(info.filename):
                data = source.read(info)
                if strip and info.filename.endswith(".so"):
                    data = _stripped(strip, data)
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, data, compresslevel=9)
    stripped.replace(path)


def _stripped(strip: str, library: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        original, result = Path(tmp) / "in.so", Path(tmp) / "out.so"
        original.write_bytes(library)
        done = subprocess.run([strip, "--strip-unneeded", "-o", str(result), str(original)], capture_output=True)
        return result.read_bytes() if done.returncode == 0 else library


def main(out: Path) -> None:
    vendor = ROOT / "vendor"
    shutil.rmtree(vendor / "templates", ignore_errors=True)
    shutil.copytree(ROOT / "templates", vendor / "templates")
    from chalicelib.core import rendering

    rendering.compile_all(vendor / "templates" / rendering.COMPILED.name)  # read-only in the Lambda
    try:
        with tempfile.TemporaryDirectory() as tmp:
            merge = Path(tmp) / "merge.json"
            merge.write_text(json.dumps(merge_template(), indent=2))
            shutil.rmtree(out, ignore_errors=True)
            subprocess.run([str(Path(sys.executable).parent / "chalice"), "package", "--stage", "prod",
                            "--merge-template", str(merge), str(out)], cwd=ROOT, check=True,
                           env={"AWS_DEFAULT_REGION": "us-east-1", **os.environ})
    finally:
        shutil.rmtree(vendor, ignore_errors=True)
    strip_unneeded(out / "deployment.zip")
    print(f"Wrote {out / 'deployment.zip'} and {out / 'sam.json'}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "dist").resolve())
