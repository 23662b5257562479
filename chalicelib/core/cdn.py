"""The CDN in front of the site, when the deployment has one: paths whose pages changed are
invalidated at once, so a cache serves nothing older than the change.

The template stores the CloudFront distribution's id in an SSM parameter whose name the
function is given (the function cannot be given the id itself: the distribution is built on
the API, which is built on the function). Read once per container.
"""
from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Sequence

from chalicelib.core import aws
from chalicelib.core.config import get_settings

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def _distribution(parameter: str) -> str:
    return str(aws.client("ssm").get_parameter(Name=parameter)["Parameter"]["Value"])


def invalidate(paths: Sequence[str]) -> None:
    """Tells the CDN to forget these paths (viewer paths: no stage prefix). Nothing without a CDN;
    a failure is logged, never raised: the pages' own max-age bounds what a cache keeps."""
    parameter = get_settings().cdn_parameter
    if not parameter or not paths:
        return
    try:
        aws.client("cloudfront").create_invalidation(
            DistributionId=_distribution(parameter),
            InvalidationBatch={"Paths": {"Quantity": len(paths), "Items": list(paths)},
                               "CallerReference": uuid.uuid4().hex})
    except Exception:  # noqa: BLE001 - the write stands; caches expire by max-age
        log.exception("could not invalidate %s on the CDN", ", ".join(paths))
