# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The argument specs of the options many modules share, as documented once in plugins/doc_fragments
(``tags``, ``wait``) or alike in every module (``state``). A module adds them to its own spec:
``dict(name=..., **state_option(), **tag_options())``."""

from __future__ import annotations


def state_option() -> dict:
    return {"state": dict(type="str", choices=["present", "absent"], default="present")}


def tag_options(required: bool = False) -> dict:
    """``tags`` and ``purge_tags`` (doc fragment ``mlops.mlflow_aws.tags``), planned by module_utils/tags.py."""
    tags = dict(type="dict", aliases=["resource_tags"])
    if required:
        tags["required"] = True
    return {"tags": tags, "purge_tags": dict(type="bool", default=True)}


def wait_options(timeout: int) -> dict:
    """``wait`` and ``wait_timeout`` (doc fragment ``mlops.mlflow_aws.wait``); ``timeout`` covers AWS's slow cases."""
    return {"wait": dict(type="bool", default=True), "wait_timeout": dict(type="int", default=timeout)}
