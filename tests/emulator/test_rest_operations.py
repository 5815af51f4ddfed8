"""REST-JSON requests are named by their operation, from botocore's model of the service."""

from __future__ import annotations

import pytest

from emulator.rest_operations import operation_name


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/v2/apis", "GetApis"),
        ("POST", "/v2/apis", "CreateApi"),
        ("DELETE", "/v2/apis/a1b2c3", "DeleteApi"),
        ("DELETE", "/v2/apis/a1b2c3/routes/r1", "DeleteRoute"),
        ("DELETE", "/v2/apis/a1b2c3/integrations/i1", "DeleteIntegration"),
        ("PATCH", "/v2/apis/a1b2c3/stages/%24default", "UpdateStage"),
        ("DELETE", "/v2/apis/a1b2c3/stages/%24default/accesslogsettings", "DeleteAccessLogSettings"),
        ("DELETE", "/v2/vpclinks/v1", "DeleteVpcLink"),
        ("POST", "/v2/tags/arn%3Aaws%3Aapigateway%3Aeu-west-1%3A%3A%2Fvpclinks%2Fv1", "TagResource"),
        # API Gateway v1 signs for the same service; its paths have no /v2 prefix.
        ("GET", "/restapis", "GetRestApis"),
        ("DELETE", "/vpclinks/v1", "DeleteVpcLink"),
    ],
)
def test_apigateway_paths_name_their_operation(method: str, path: str, expected: str) -> None:
    assert operation_name("apigateway", method, path) == expected


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


@pytest.mark.parametrize(
    ("signing_name", "method", "path"),
    [
        ("apigateway", "PATCH", "/v2/apis"),  # no such route
        ("apigateway", "GET", "/v3/apis"),
        ("sqs", "GET", "/queue"),  # not a modelled REST service
        (None, "GET", "/v2/apis"),  # unsigned
    ],
)
def test_unknown_requests_get_no_name(signing_name: str | None, method: str, path: str) -> None:
    assert operation_name(signing_name, method, path) is None
