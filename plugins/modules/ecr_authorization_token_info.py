#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecr_authorization_token_info
short_description: Get ECR registry credentials for docker login
version_added: 0.1.0
description:
  - Calls ECR GetAuthorizationToken and returns the registry host, the user name and the password decoded
    from the token, and when they expire (AWS issues them for 12 hours).
  - The module only reads (C(_info)), never changes anything, always reports V(changed=false) and runs in
    check mode.
  - "B(The result holds a live registry password.) The task that uses this module B(must set) C(no_log: true),
    or the password appears in the output and in logs. The module itself neither logs it nor returns a diff."
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  registry_ids:
    description:
      - AWS account IDs of the registries. Default is the caller's account.
      - AWS documents this parameter as deprecated (the token works for every registry the caller may use)
        but still returns one entry per ID.
    type: list
    elements: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Get ECR credentials
  mlops.mlflow_aws.ecr_authorization_token_info:
  register: ecr_login
  no_log: true

- name: Log in to the registry
  community.docker.docker_login:
    registry_url: "{{ ecr_login.registry }}"
    username: "{{ ecr_login.username }}"
    password: "{{ ecr_login.password }}"
    reauthorize: true
  no_log: true
"""

RETURN = r"""
registry:
  description: The first registry's host name, for the O(community.docker.docker_login#module:registry_url) option of M(community.docker.docker_login).
  returned: success
  type: str
  sample: 123456789012.dkr.ecr.us-east-1.amazonaws.com
proxy_endpoint:
  description: The first registry's endpoint URL.
  returned: success
  type: str
  sample: https://123456789012.dkr.ecr.us-east-1.amazonaws.com
username:
  description: The user name for the first registry (V(AWS)).
  returned: success
  type: str
  sample: AWS
password:
  description: The password for the first registry. Secret; set C(no_log) on the task.
  returned: success
  type: str
expires_at:
  description: When the first registry's credentials expire (ISO 8601).
  returned: success
  type: str
  sample: "2026-01-01T12:00:00+00:00"
authorization_data:
  description: Credentials for every registry requested.
  returned: success
  type: list
  elements: dict
  contains:
    registry_id:
      description: The account ID of the registry.
      type: str
      sample: "123456789012"
    registry:
      description: The registry host name.
      type: str
    proxy_endpoint:
      description: The registry endpoint URL.
      type: str
    username:
      description: The user name.
      type: str
    password:
      description: The password. Secret.
      type: str
    expires_at:
      description: When the credentials expire (ISO 8601).
      type: str
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import reported_errors
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.ecr import token_info

ACCOUNT_ID = re.compile(r"^\d{12}$")


def main() -> None:
    argument_spec = dict(
        registry_ids=dict(type="list", elements="str"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    bad = [rid for rid in module.params["registry_ids"] or [] if not ACCOUNT_ID.match(rid)]
    if bad:
        module.fail_json(msg=f"registry_ids must be 12-digit AWS account IDs, got: {', '.join(bad)}")
    with reported_errors(module):
        module.exit_json(**token_info(module))


if __name__ == "__main__":
    main()
