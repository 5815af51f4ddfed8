# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection shares: one error type, AWS calls that raise it, one paginator.

The helpers in the other module_utils files never call ``fail_json``: they raise ``AwsError``, and
each module's ``main()`` turns it into a failed result once, with ``reported_errors``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # AnsibleAWSModule reports the missing dependency before any helper runs

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

T = TypeVar("T")
# amazon.aws retries the query protocol's throttling and 5xx codes; these are the JSON protocol's (ECS,
# Cloud Map, SageMaker, CodeBuild, ...), which botocore alone retries only two or four times.
TRANSIENT_CODES = ["ThrottlingException", "ServiceUnavailableException", "InternalServerException"]


class AwsError(Exception):
    """A failure the module reports as is: a message, the AWS error behind it (if any), extra result keys."""

    def __init__(self, message: str, cause: Exception | None = None, **result: Any) -> None:
        super().__init__(message)
        self.message = message
        self.cause = cause
        self.result = result


def error_code(error: Exception | None) -> str | None:
    """The AWS error code of a botocore ClientError, else None."""
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code")


@contextmanager
def aws_errors(description: str) -> Iterator[None]:
    """Inside the block, botocore errors become ``AwsError("Failed to <description>")``."""
    try:
        yield
    except (BotoCoreError, ClientError) as e:
        raise AwsError(f"Failed to {description}", cause=e) from e


@contextmanager
def reported_errors(module: Any) -> Iterator[None]:
    """The one place an ``AwsError`` is caught: it ends the module as failed, with AWS's error if any."""
    try:
        yield
    except AwsError as e:
        if e.cause is not None:
            module.fail_json_aws(e.cause, msg=e.message, **e.result)
        else:
            module.fail_json(msg=e.message, **e.result)


def run_info_module(describe: Callable[[Any], dict], argument_spec: dict, **module_options: Any) -> None:
    """The main() of a read-only module: ``describe(module)`` is its result, ``changed`` is always false."""
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, **module_options)
    with reported_errors(module):
        module.exit_json(**{**describe(module), "changed": False})


def run_resource_module(
    manager: Callable[[Any], Any],
    argument_spec: dict,
    validate: Callable[[dict], None] | None = None,
    **module_options: Any,
) -> None:
    """The main() of a module that manages a resource: ``validate(params)`` checks what a spec cannot say
    before any AWS call, then ``manager(module).ensure()`` is the result."""
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, **module_options)
    with reported_errors(module):
        if validate is not None:
            validate(module.params)
        module.exit_json(**manager(module).ensure())


def client(module: Any, service: str) -> Any:
    """A client whose calls retry throttling and transient errors when given ``aws_retry=True``."""
    return module.client(service, retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=TRANSIENT_CODES))


def call(aws: Any, operation: str, description: str, **kwargs: Any) -> dict:
    """``operation`` with retries; any AWS error becomes ``AwsError("Failed to <description>")``."""
    with aws_errors(description):
        return getattr(aws, operation)(aws_retry=True, **kwargs)


def call_or_none(aws: Any, operation: str, missing: str | tuple[str, ...], description: str, **kwargs: Any) -> Any:
    """Like ``call``, but None when AWS answers one of the ``missing`` error codes (the resource is gone)."""
    codes = (missing,) if isinstance(missing, str) else missing
    try:
        return getattr(aws, operation)(aws_retry=True, **kwargs)
    except (BotoCoreError, ClientError) as e:
        if error_code(e) in codes:
            return None
        raise AwsError(f"Failed to {description}", cause=e) from e


def paginate(aws: Any, operation: str, key: str, description: str, **kwargs: Any) -> list[dict]:
    """Every item under ``key`` of a NextToken-paged call (not every operation has a boto3 paginator)."""
    items: list[dict] = []
    request = dict(kwargs)
    while True:
        page = call(aws, operation, description, **request)
        items.extend(page.get(key) or [])
        token = page.get("NextToken")
        if not token:
            return items
        request["NextToken"] = token


def only_one(matches: list[T], what: str, key: Callable[[T], str]) -> T | None:
    """The single match, None for none; several are an error naming them all."""
    if len(matches) > 1:
        ids = ", ".join(sorted(key(match) for match in matches))
        raise AwsError(f"Found {len(matches)} {what}, expected at most one: {ids}")
    return matches[0] if matches else None


def strip_none(value: Any) -> Any:
    """Drop None values from (nested) dicts, so only what the user set is sent and compared."""
    if isinstance(value, dict):
        return {k: strip_none(v) for k, v in value.items() if v is not None}
    return value


def to_snake(resource: dict | None, keep: list[str] | None = None) -> dict:
    """A boto3 answer in snake_case without ResponseMetadata; ``keep`` names maps whose keys are data."""
    if not resource:
        return {}
    cleaned = {k: v for k, v in resource.items() if k != "ResponseMetadata"}
    return camel_dict_to_snake_dict(cleaned, ignore_list=keep or [])
