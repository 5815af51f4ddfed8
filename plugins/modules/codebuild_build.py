#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: codebuild_build
short_description: Start an AWS CodeBuild build and wait for it
version_added: 0.2.0
description:
  - Starts a build of an existing CodeBuild project (see M(community.aws.codebuild_project)), optionally with
    another S3 source location and extra environment variables, and waits until it completes.
  - Fails when the build does not succeed, with its status, the phase that failed and why, and where its logs
    are (CloudWatch Logs group and stream, and the console link).
  - With O(build_id) it starts nothing and follows a build started earlier (for example with O(wait=false), so
    that several builds run side by side).
  - Starting a build always reports a change; in check mode nothing is started. Whether a build is needed is
    the caller's decision (for images, see M(mlops.mlflow_aws.ecr_image_info)).
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  project_name:
    description:
      - Name of the project to build. Required unless O(build_id) is given.
    type: str
  build_id:
    description:
      - ID of a build already started (C(<project>:<uuid>)) to follow instead of starting one.
    type: str
  source_location:
    description:
      - Source location for this build only (C(sourceLocationOverride)), for an S3 source
        C(<bucket>/<key of a ZIP>).
    type: str
  environment_variables:
    description:
      - Plain-text environment variables for this build only, added to or replacing the project's.
      - Never pass secrets here; they are visible in the build's description.
    type: dict
  environment_type:
    description:
      - Build environment type for this build only (C(environmentTypeOverride)), for example C(LINUX_CONTAINER)
        to build an x86-64 image with a project whose environment is C(ARM_CONTAINER). Give O(environment_image)
        with it, as an environment image runs on one architecture.
    type: str
  environment_image:
    description:
      - Build environment image for this build only (C(imageOverride)), for example
        C(aws/codebuild/amazonlinux-x86_64-standard:5.0).
    type: str
  wait:
    description:
      - Wait until the build completes, and fail unless it succeeded.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the build to complete.
    type: int
    default: 3600
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Build the nginx image from its uploaded context
  mlops.mlflow_aws.codebuild_build:
    project_name: mlflow-images
    source_location: mlflow-builds-123456789012-us-east-1/contexts/nginx/0123456789abcdef.zip
    environment_variables:
      IMAGE_REPOSITORY_URI: 123456789012.dkr.ecr.us-east-1.amazonaws.com/mlflow/nginx
      IMAGE_TAG: 0123456789abcdef-arm64

- name: Start two builds without waiting
  mlops.mlflow_aws.codebuild_build:
    project_name: mlflow-images
    source_location: "{{ item }}"
    wait: false
  loop: [bucket/contexts/a.zip, bucket/contexts/b.zip]
  register: started

- name: Then wait for both
  mlops.mlflow_aws.codebuild_build:
    build_id: "{{ item.build.id }}"
  loop: "{{ started.results }}"
"""

RETURN = r"""
build:
  description: The build as last seen; empty in check mode when a build would be started.
  returned: always
  type: dict
  contains:
    id:
      description: The build's ID.
      type: str
      sample: mlflow-images:7d0c4a36-5e43-4f3c-9a0e-2f1c8b6f1f0e
    arn:
      description: The build's ARN.
      type: str
    build_number:
      description: The build's number within its project.
      type: int
    project_name:
      description: The project built.
      type: str
    build_status:
      description: V(IN_PROGRESS), V(SUCCEEDED), V(FAILED), V(FAULT), V(TIMED_OUT) or V(STOPPED).
      type: str
      sample: SUCCEEDED
    current_phase:
      description: The build's current phase (V(COMPLETED) once done).
      type: str
    build_complete:
      description: Whether the build has completed.
      type: bool
    failed_phase:
      description: The phase that did not succeed, if any.
      type: str
      sample: BUILD
    failure_contexts:
      description: Why that phase failed (status code and message), as CodeBuild reports it.
      type: list
      elements: dict
    source_location:
      description: The source the build used.
      type: str
    environment_type:
      description: The build environment's type (V(ARM_CONTAINER) builds on ARM64, V(LINUX_CONTAINER) on x86-64).
      type: str
    environment_image:
      description: The build environment's image.
      type: str
    logs:
      description: Where the build's logs are.
      type: dict
      contains:
        group_name:
          description: CloudWatch Logs group.
          type: str
        stream_name:
          description: CloudWatch Logs stream.
          type: str
        deep_link:
          description: Link to the logs in the console.
          type: str
    phases:
      description: The phases so far, each with C(phase_type) and C(phase_status).
      type: list
      elements: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.codebuild import run_build
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import reported_errors
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.options import wait_options


def main() -> None:
    argument_spec = dict(
        project_name=dict(type="str"),
        build_id=dict(type="str"),
        source_location=dict(type="str"),
        environment_variables=dict(type="dict"),
        environment_type=dict(type="str"),
        environment_image=dict(type="str"),
        **wait_options(3600),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[
            ("project_name", "build_id"),
            ("build_id", "source_location"),
            ("build_id", "environment_variables"),
            ("build_id", "environment_type"),
            ("build_id", "environment_image"),
        ],
        required_one_of=[("project_name", "build_id")],
        required_together=[("environment_type", "environment_image")],
    )
    with reported_errors(module):
        module.exit_json(**run_build(module))


if __name__ == "__main__":
    main()
