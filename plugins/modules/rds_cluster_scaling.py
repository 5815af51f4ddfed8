#!/usr/bin/python
# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: rds_cluster_scaling
short_description: Set the Aurora Serverless v2 capacity range of a DB cluster, with automatic pause
version_added: 0.1.0
description:
  - Sets the Serverless v2 capacity range (minimum and maximum ACUs) of an existing Aurora DB cluster and, with
    a minimum of 0 ACUs, the idle time after which Aurora pauses its instances (C(SecondsUntilAutoPause)).
  - M(amazon.aws.rds_cluster) has no option for the pause delay and, once AWS reports one, sees a change on every
    run; this module compares the range and the delay as AWS reports them, and changes them in one
    C(ModifyDBCluster) call applied immediately.
  - A minimum of 0 ACUs needs an engine version that supports automatic pause (Aurora MySQL 3.08.0 or later);
    AWS refuses it otherwise.
author:
  - mlops.mlflow_aws maintainers (@mlops)
options:
  db_cluster_identifier:
    description:
      - The DB cluster; it must exist.
    type: str
    required: true
  min_capacity:
    description:
      - The lowest capacity in ACUs, 0 or from 0.5 in steps of 0.5.
    type: float
    required: true
  max_capacity:
    description:
      - The highest capacity in ACUs.
    type: float
    required: true
  seconds_until_auto_pause:
    description:
      - Seconds without connections before Aurora pauses an instance, from 300 to 86400.
      - Only with O(min_capacity=0); AWS's default of 300 applies when it is omitted.
    type: int
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Let the database pause after an idle hour
  mlops.mlflow_aws.rds_cluster_scaling:
    db_cluster_identifier: mlflow-db
    min_capacity: 0
    max_capacity: 8
    seconds_until_auto_pause: 3600
"""

RETURN = r"""
scaling:
  description: The capacity range as AWS reports it afterwards (in check mode, the planned one).
  returned: always
  type: dict
  contains:
    min_capacity:
      description: The lowest capacity in ACUs.
      type: float
      sample: 0.0
    max_capacity:
      description: The highest capacity in ACUs.
      type: float
      sample: 8.0
    seconds_until_auto_pause:
      description: The idle seconds before a pause; only with a minimum of 0 ACUs.
      type: int
      returned: when min_capacity is 0
      sample: 3600
"""

from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import run_resource_module
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.rds_cluster_scaling import (
    ClusterScalingManager,
    validate,
)


def main() -> None:
    argument_spec = dict(
        db_cluster_identifier=dict(type="str", required=True),
        min_capacity=dict(type="float", required=True),
        max_capacity=dict(type="float", required=True),
        seconds_until_auto_pause=dict(type="int"),
    )
    run_resource_module(ClusterScalingManager, argument_spec, validate=validate)


if __name__ == "__main__":
    main()
