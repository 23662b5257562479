"""cheeseshop's packages, one per domain (see README, Layout).

botocore imports urllib3's pyOpenSSL shim only to reach the standard SSLContext the shim
keeps aside, and falls back to that same class when the shim cannot be imported. Where
pyOpenSSL is installed (webauthn needs it), the shim would load pyOpenSSL and cryptography
into every cold start; blocking the shim keeps them out until a page needs them.
"""
import sys

sys.modules.setdefault("urllib3.contrib.pyopenssl", None)  # type: ignore[arg-type]
