"""A TLS-only bucket policy reads back as written and does not block the emulator's clients."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from emulator.launcher import Emulator
from tests.support.playbooks import client


def _tls_only(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyPlainHttp",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def test_tls_only_policy_reads_back_unchanged_and_writes_work(emulator: Emulator) -> None:
    s3 = client(emulator, "s3")
    bucket = f"tls-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    policy = _tls_only(bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == policy
    s3.put_object(Bucket=bucket, Key="model.pkl", Body=b"weights")
    assert s3.get_object(Bucket=bucket, Key="model.pkl")["Body"].read() == b"weights"
    s3.delete_bucket_policy(Bucket=bucket)
    with pytest.raises(ClientError, match="NoSuchBucketPolicy"):
        s3.get_bucket_policy(Bucket=bucket)


def test_other_deny_statements_still_apply(emulator: Emulator) -> None:
    s3 = client(emulator, "s3")
    bucket = f"deny-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    policy = _tls_only(bucket)
    policy["Statement"].append(
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": f"arn:aws:s3:::{bucket}/locked/*"}
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    s3.put_object(Bucket=bucket, Key="open/x", Body=b"x")
    with pytest.raises(ClientError, match=r"403|AccessDenied|Forbidden"):
        s3.put_object(Bucket=bucket, Key="locked/x", Body=b"x")
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == policy
