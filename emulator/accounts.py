"""The moto account a request is served from, for extensions that read or write moto's backends."""

from __future__ import annotations

import os
import re

from emulator.request import AwsRequest

DEFAULT_ACCOUNT_ID = "123456789012"
_ACCESS_KEY = re.compile(r"Credential=([^/]+)/")


def account_id(request: AwsRequest) -> str:
    """Same precedence as moto's BaseResponse: MOTO_ACCOUNT_ID, the x-moto-account-id header, the access key."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    if "x-moto-account-id" in request.headers:
        return request.headers["x-moto-account-id"]
    from moto.iam.models import get_account_id_from

    match = _ACCESS_KEY.search(request.headers.get("authorization", ""))
    return get_account_id_from(match.group(1)) if match else DEFAULT_ACCOUNT_ID
