"""EC2 describe filters moto ignores: tag filters on DescribeNatGateways.

moto applies only the nat-gateway-id, vpc-id, subnet-id and state filters and returns every NAT gateway for
a ``tag:``, ``tag-key`` or ``tag-value`` filter, which would hide a lookup that AWS answers differently. The
tag filters are resolved here against moto's state and handed to moto as NAT gateway IDs.
"""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode
from uuid import uuid4

from werkzeug.wrappers import Response

from emulator.moto_state import backend
from emulator.request import AwsRequest

NAME = "ec2_filters"
_FILTER_NAME = re.compile(r"^Filter\.(\d+)\.Name$")
_EMPTY = (
    '<DescribeNatGatewaysResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
    "<requestId>{request_id}</requestId><natGatewaySet/></DescribeNatGatewaysResponse>"
)


def _is_tag_filter(name: str) -> bool:
    return name.startswith("tag:") or name in ("tag-key", "tag-value")


def split_filters(params: list[tuple[str, str]]) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """The tag filters ({name: values}) and every other parameter, renumbered so moto reads them."""
    names = {m.group(1): value for key, value in params if (m := _FILTER_NAME.match(key))}
    tag_indexes = {index for index, name in names.items() if _is_tag_filter(name)}
    # moto reads Filter.1, Filter.2, ... until one is missing: the filters left are numbered from 1 again.
    renumbered = {index: str(n) for n, index in enumerate(sorted(set(names) - tag_indexes, key=int), start=1)}
    tag_filters: dict[str, list[str]] = {}
    rest: list[tuple[str, str]] = []
    for key, value in params:
        parts = key.split(".")
        if parts[0] == "Filter" and len(parts) >= 3:
            if parts[1] in tag_indexes:
                if parts[2] == "Value":
                    tag_filters.setdefault(names[parts[1]], []).append(value)
                continue
            key = ".".join(["Filter", renumbered[parts[1]], *parts[2:]])
        rest.append((key, value))
    return tag_filters, rest


def _matches(nat: Any, tag_filters: dict[str, list[str]]) -> bool:
    from moto.ec2.utils import tag_filter_matches

    return all(tag_filter_matches(nat, name, values) for name, values in tag_filters.items())


def describe_nat_gateways(request: AwsRequest) -> Response | None:
    params = parse_qsl(request.body.decode(), keep_blank_values=True)
    tag_filters, rest = split_filters(params)
    if not tag_filters:
        return None
    asked = {value for key, value in rest if key.startswith("NatGatewayId.")}
    nats = backend("ec2", request).nat_gateways.values()
    matching = sorted(nat.id for nat in list(nats) if _matches(nat, tag_filters) and (not asked or nat.id in asked))
    if not matching:
        return Response(_EMPTY.format(request_id=uuid4()), status=200, content_type="text/xml")
    rest = [(key, value) for key, value in rest if not key.startswith("NatGatewayId.")]
    rest += [(f"NatGatewayId.{index}", nat_id) for index, nat_id in enumerate(matching, start=1)]
    body = urlencode(rest).encode()
    request.environ["wsgi.input"] = io.BytesIO(body)
    request.environ["CONTENT_LENGTH"] = str(len(body))
    return None


class Ec2Filters:
    name = NAME

    def handle(self, request: AwsRequest) -> Response | None:
        if request.service == "ec2" and request.action == "DescribeNatGateways" and request.method == "POST":
            return describe_nat_gateways(request)
        return None


def build() -> Ec2Filters:
    return Ec2Filters()
