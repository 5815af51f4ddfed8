# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tag options, planned the same way by every module (module_utils/tags.py)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  tags:
    description:
      - The tags the resource carries, as a dict.
      - When omitted, the resource's tags are left as they are.
      - Keys that begin with C(aws:) belong to AWS and are never removed.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove the tags that are not in O(tags). Has no effect when O(tags) is omitted.
    type: bool
    default: true
"""
