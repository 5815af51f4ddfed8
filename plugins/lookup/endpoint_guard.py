# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lookup endpoint_guard: why the AWS endpoints configured for this process are not all on loopback."""

from __future__ import annotations

DOCUMENTATION = r"""
name: endpoint_guard
short_description: Find AWS endpoint settings that could reach anything but loopback
version_added: 0.2.0
author:
  - mlops.mlflow_aws maintainers (@mlops)
description:
  - Reads every place botocore and the amazon.aws modules take an endpoint from in the controller's environment
    (E(AWS_ENDPOINT_URL), E(AWS_ENDPOINT_URL_<SERVICE>), E(AWS_URL), the shared config file's C(endpoint_url)
    and C(services) sections for the selected profile) and returns one sentence per problem, such as an endpoint that
    is not a loopback address, no E(AWS_ENDPOINT_URL) at all, or E(AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) /
    C(ignore_configured_endpoint_urls), which would make botocore ignore every configured endpoint.
  - Returns an empty list when every request can only reach loopback.
"""

EXAMPLES = r"""
- name: Refuse to run anywhere but against the emulator
  vars:
    problems: "{{ query('mlops.mlflow_aws.endpoint_guard') }}"
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
"""

RETURN = r"""
_raw:
  description: One sentence per problem; empty when all is well.
  type: list
  elements: str
"""


from typing import Any

from ansible.plugins.lookup import LookupBase
from ansible_collections.mlops.mlflow_aws.plugins.plugin_utils.endpoint_guard import problems


class LookupModule(LookupBase):
    def run(self, terms: list[Any], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
        return problems()
