"""The stack's names for the tests: the table of docs/naming.md, from the plugin that builds them."""

from __future__ import annotations

from ansible_collections.mlops.mlflow_aws.plugins.plugin_utils.stack_names import stack_names


def names(stack: str, account: str = "", region: str = "") -> dict[str, str]:
    """The names of docs/naming.md (the bucket names only with the account and region)."""
    return {key: value for key, value in stack_names(stack, account, region).items() if value is not None}
