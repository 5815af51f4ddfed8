# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 test owned_by: whether a resource carries mlflow:stack=<stack>."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DOCUMENTATION = r"""
name: owned_by
short_description: Whether a resource belongs to a stack by its mlflow:stack tag
version_added: 0.2.0
author:
  - mlops.mlflow_aws maintainers (!UNKNOWN)
description:
  - True when the resource's tags carry C(mlflow:stack) equal to the given stack name.
  - Takes a resource as the info modules return it (its tags under C(tags), C(Tags), C(TagList) or
    C(tag_list), as a dictionary or a list of C(Key)/C(Value) pairs) or a tag dictionary itself.
options:
  _input:
    description: The resource, or its tags.
    type: raw
    required: true
  stack:
    description: The stack name.
    type: string
    required: true
"""

EXAMPLES = r"""
- name: Keep only the namespaces of this stack
  ansible.builtin.set_fact:
    ours: "{{ namespaces | select('mlops.mlflow_aws.owned_by', mlflow_stack_name) | list }}"
"""

RETURN = r"""
_value:
  description: Whether the resource is the stack's.
  type: boolean
"""

STACK_TAG = "mlflow:stack"
TAG_KEYS = ("tags", "Tags", "TagList", "tag_list", "resource_tags")


def _as_dict(tags: Any) -> dict[str, Any]:
    if isinstance(tags, Mapping):
        return dict(tags)
    if isinstance(tags, list):
        pairs = {}
        for tag in tags:
            if isinstance(tag, Mapping):
                key = tag.get("Key", tag.get("key"))
                pairs[key] = tag.get("Value", tag.get("value"))
        return pairs
    return {}


def tags_of(resource: Any) -> dict[str, Any]:
    if isinstance(resource, Mapping):
        for key in TAG_KEYS:
            if key in resource:
                return _as_dict(resource[key])
        return _as_dict(resource)
    return _as_dict(resource)


def owned_by(resource: Any, stack: str) -> bool:
    return tags_of(resource).get(STACK_TAG) == stack


class TestModule:
    def tests(self) -> dict[str, Any]:
        return {"owned_by": owned_by}
