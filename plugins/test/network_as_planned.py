# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 tests route_table_as_planned and security_group_as_planned: whether amazon.aws.ec2_vpc_route_table or
amazon.aws.ec2_security_group would change nothing (documented in route_table_as_planned.yml and
security_group_as_planned.yml)."""

from __future__ import annotations

from typing import Any

from ansible_collections.mlops.mlflow_aws.plugins.plugin_utils.network_as_planned import (
    route_table_as_planned,
    security_group_as_planned,
)


class TestModule:
    def tests(self) -> dict[str, Any]:
        return {
            "route_table_as_planned": route_table_as_planned,
            "security_group_as_planned": security_group_as_planned,
        }
