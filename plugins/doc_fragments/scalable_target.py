# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options that identify an Application Auto Scaling scalable target (module_utils/application_autoscaling.py)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  service_namespace:
    description:
      - The AWS service the resource belongs to.
    type: str
    required: true
    choices:
      - ecs
      - ec2
      - elasticmapreduce
      - appstream
      - dynamodb
      - rds
      - sagemaker
      - custom-resource
      - comprehend
      - lambda
      - cassandra
      - kafka
      - elasticache
      - neptune
      - workspaces
  resource_id:
    description:
      - The resource, for an ECS service C(service/<cluster>/<service>).
    type: str
    required: true
  scalable_dimension:
    description:
      - The scalable dimension, for an ECS service C(ecs:service:DesiredCount).
    type: str
    required: true
"""
