# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lookup content_digest: a stable digest of a directory's files, for immutable image tags."""

from __future__ import annotations

DOCUMENTATION = r"""
name: content_digest
short_description: Digest of a directory's content
version_added: 0.1.0
author:
  - mlops.mlflow_aws maintainers (@mlops)
description:
  - Returns the SHA-256 of every regular file below each given directory (relative paths and contents,
    in sorted order), cut to O(length) hex characters. The same content always gives the same digest,
    which makes an immutable container image tag.
options:
  _terms:
    description: Directories to digest.
    required: true
    type: list
    elements: path
  length:
    description: Number of hex characters returned.
    type: int
    default: 16
"""

EXAMPLES = r"""
- name: Tag the nginx image by its content
  ansible.builtin.debug:
    msg: "nginx:{{ lookup('mlops.mlflow_aws.content_digest', 'files/nginx') }}"
"""

RETURN = r"""
_raw:
  description: One digest per directory.
  type: list
  elements: str
"""


import hashlib
from pathlib import Path
from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase


def content_digest(directory: Path, length: int) -> str:
    if not directory.is_dir():
        raise AnsibleLookupError(f"content_digest: {directory} is not a directory")
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:length]


class LookupModule(LookupBase):
    def run(self, terms: list[Any], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
        self.set_options(var_options=variables, direct=kwargs)
        length = int(self.get_option("length"))
        return [content_digest(Path(str(term)), length) for term in terms]
