# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 test timezone: whether a string names an IANA time zone, as AWS's schedules take them."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

DOCUMENTATION = r"""
name: timezone
short_description: Whether a string is the name of an IANA time zone
version_added: 0.2.0
author:
  - mlops.mlflow_aws maintainers (!UNKNOWN)
description:
  - True for a name of the IANA time zone database, such as C(Europe/Paris), C(UTC) or C(Etc/GMT+9), the names
    Application Auto Scaling and EventBridge Scheduler accept for a schedule's time zone.
  - Checked against the time zone database of the host running the play; without one, against the form of a
    name only (AWS then checks the name itself).
options:
  _input:
    description: The name.
    type: string
    required: true
"""

EXAMPLES = r"""
- name: Check the schedule's time zone
  ansible.builtin.assert:
    that: ecs_service_schedule.timezone is mlops.mlflow_aws.timezone
"""

RETURN = r"""
_value:
  description: Whether the name is a time zone.
  type: boolean
"""

# The form of a zone name: letters, digits and _+- in parts separated by slashes.
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")


def timezone(name: Any) -> bool:
    if not isinstance(name, str) or not _NAME.match(name):
        return False
    known = zoneinfo.available_timezones()
    return name in known if known else True


class TestModule:
    def tests(self) -> dict[str, Any]:
        return {"timezone": timezone}
