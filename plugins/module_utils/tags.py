# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One tag plan for every module: from the current tags, the wanted ones and purge_tags, what changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TagPlan:
    """``wanted`` None leaves the tags alone; otherwise ``wanted`` is set and, with ``purge``, others go."""

    current: dict[str, str]
    to_add: dict[str, str] = field(default_factory=dict)
    to_remove: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, current: dict[str, str] | None, wanted: dict[str, str] | None, purge: bool) -> TagPlan:
        current = dict(current or {})
        if wanted is None:
            return cls(current)
        wanted = {str(k): str(v) for k, v in wanted.items()}
        to_add = {k: v for k, v in wanted.items() if current.get(k) != v}
        # Keys under aws: belong to AWS and cannot be removed by us.
        to_remove = sorted(k for k in current if k not in wanted and not k.startswith("aws:")) if purge else []
        return cls(current, to_add, to_remove)

    @property
    def changed(self) -> bool:
        return bool(self.to_add or self.to_remove)

    @property
    def after(self) -> dict[str, str]:
        kept = {k: v for k, v in self.current.items() if k not in self.to_remove}
        return {**kept, **self.to_add}

    def apply(self, untag: Callable[[list[str]], object], tag: Callable[[dict[str, str]], object]) -> bool:
        """Remove, then add, through the service's own calls; True when anything was sent."""
        if self.to_remove:
            untag(self.to_remove)
        if self.to_add:
            tag(self.to_add)
        return self.changed


def tag_list(tags: dict[str, str] | None) -> list[dict[str, str]]:
    """``{"k": "v"}`` as the ``[{"Key": "k", "Value": "v"}]`` most APIs take."""
    return [{"Key": k, "Value": v} for k, v in (tags or {}).items()]


def tag_dict(tags: list[dict[str, str]] | None) -> dict[str, str]:
    """The ``[{"Key": ..., "Value": ...}]`` (or lower-case key/value) list as a dict."""
    result = {}
    for tag in tags or []:
        key = tag.get("Key", tag.get("key"))
        result[key] = tag.get("Value", tag.get("value", ""))
    return result


def matches(resource_tags: dict[str, str] | None, wanted: dict[str, str] | None) -> bool:
    """True when the resource carries every wanted tag (an info module's filter)."""
    return all((resource_tags or {}).get(k) == v for k, v in (wanted or {}).items())
