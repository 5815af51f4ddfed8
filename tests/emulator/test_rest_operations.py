"""REST-JSON requests are named by their operation, from botocore's model of the service."""

from __future__ import annotations

import pytest

from emulator.rest_operations import operation_name

# (signing name, method, path, the operation's name or None)
CASES = [
    ("apigateway", "GET", "/v2/apis", "GetApis"),
    ("apigateway", "POST", "/v2/apis", "CreateApi"),
    ("apigateway", "DELETE", "/v2/apis/a1b2c3", "DeleteApi"),
    ("apigateway", "DELETE", "/v2/apis/a1b2c3/routes/r1", "DeleteRoute"),
    ("apigateway", "DELETE", "/v2/apis/a1b2c3/integrations/i1", "DeleteIntegration"),
    ("apigateway", "PATCH", "/v2/apis/a1b2c3/stages/%24default", "UpdateStage"),
    ("apigateway", "DELETE", "/v2/apis/a1b2c3/stages/%24default/accesslogsettings", "DeleteAccessLogSettings"),
    ("apigateway", "DELETE", "/v2/vpclinks/v1", "DeleteVpcLink"),
    ("apigateway", "POST", "/v2/tags/arn%3Aaws%3Aapigateway%3Aeu-west-1%3A%3A%2Fvpclinks%2Fv1", "TagResource"),
    # API Gateway v1 signs for the same service; its paths have no /v2 prefix.
    ("apigateway", "GET", "/restapis", "GetRestApis"),
    ("apigateway", "DELETE", "/vpclinks/v1", "DeleteVpcLink"),
    # Requests that get no name:
    ("apigateway", "PATCH", "/v2/apis", None),  # no such route
    ("apigateway", "GET", "/v3/apis", None),
    ("sqs", "GET", "/queue", None),  # not a modelled REST service
    (None, "GET", "/v2/apis", None),  # unsigned
]


@pytest.mark.parametrize(("signing_name", "method", "path", "expected"), CASES)
def test_requests_are_named_by_their_operation(
    signing_name: str | None, method: str, path: str, expected: str | None
) -> None:
    assert operation_name(signing_name, method, path) == expected


@pytest.mark.parametrize(
    ("method", "path", "query", "headers", "expected"),
    [
        ("POST", "/bucket/a/b.bin", ["uploads"], [], "CreateMultipartUpload"),
        ("PUT", "/bucket/a/b.bin", ["partNumber", "uploadId", "X-Amz-Signature"], [], "UploadPart"),
        ("PUT", "/bucket/a/b.bin", ["partNumber", "uploadId"], ["X-Amz-Copy-Source"], "UploadPartCopy"),
        ("POST", "/bucket/a/b.bin", ["uploadId"], [], "CompleteMultipartUpload"),
        ("DELETE", "/bucket/a/b.bin", ["uploadId"], [], "AbortMultipartUpload"),
        ("PUT", "/bucket/a/b.bin", [], [], "PutObject"),
        ("PUT", "/bucket/a/b.bin", ["x-id"], ["x-amz-copy-source"], "CopyObject"),
        ("GET", "/bucket/a/b.bin", ["X-Amz-Credential", "X-Amz-Signature"], ["range"], "GetObject"),
        ("GET", "/bucket", ["list-type", "prefix"], [], "ListObjectsV2"),
    ],
)
def test_s3_requests_are_told_apart_by_their_query_and_headers(
    method: str, path: str, query: list[str], headers: list[str], expected: str
) -> None:
    assert operation_name("s3", method, path, query, headers) == expected
