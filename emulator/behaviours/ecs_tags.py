"""ECS ListTagsForResource always answers a list, as AWS does.

moto answers ``{"tags": null}`` for a cluster created without tags, and clients that read
``response["tags"]`` (community.aws.ecs_tag) fail on it.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from emulator import moto_state
from emulator.request import AwsRequest
from emulator.responses import json_error, json_result


class EcsTags:
    name = "ecs_tags"

    def handle(self, request: AwsRequest) -> Response | None:
        if request.service != "ecs" or request.action != "ListTagsForResource":
            return None
        ecs = moto_state.backend("ecs", request)
        arn = request.json().get("resourceArn", "")
        try:
            tags = ecs.list_tags_for_resource(arn)
        except Exception as error:
            return json_error(getattr(error, "error_type", "InvalidParameterException"), str(error))
        return json_result({"tags": tags or []})


def build() -> EcsTags:
    return EcsTags()
