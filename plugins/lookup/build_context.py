# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lookup build_context: a directory as a reproducible ZIP archive, base64-encoded, for a CodeBuild S3 source."""

from __future__ import annotations

DOCUMENTATION = r"""
name: build_context
short_description: A directory as a reproducible ZIP archive (base64)
version_added: 0.2.0
author:
  - mlops.mlflow_aws maintainers (@mlops)
description:
  - Returns, base64-encoded, a ZIP archive of every regular file below each given directory (paths relative
    to it, sorted, fixed timestamps, the owner's execute bit kept), leaving out C(__pycache__) as
    P(mlops.mlflow_aws.content_digest#lookup) does. The same content always gives the same bytes.
  - Meant for M(amazon.aws.s3_object)'s O(amazon.aws.s3_object#module:content_base64), as the source of a
    CodeBuild build (CodeBuild takes S3 sources as ZIP archives). Keep the directories small.
options:
  _terms:
    description: Directories to archive.
    required: true
    type: list
    elements: path
"""

EXAMPLES = r"""
- name: Upload the nginx build context under its content digest
  amazon.aws.s3_object:
    bucket: mlflow-builds-123456789012-us-east-1
    object: contexts/nginx/{{ lookup('mlops.mlflow_aws.content_digest', 'files/nginx') }}.zip
    content_base64: "{{ lookup('mlops.mlflow_aws.build_context', 'files/nginx') }}"
    mode: put
    overwrite: never
"""

RETURN = r"""
_raw:
  description: One base64-encoded ZIP archive per directory.
  type: list
  elements: str
"""

import base64
import io
import zipfile
from pathlib import Path
from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

_EPOCH = (1980, 1, 1, 0, 0, 0)


def build_context(directory: Path) -> bytes:
    if not directory.is_dir():
        raise AnsibleLookupError(f"build_context: {directory} is not a directory")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            info = zipfile.ZipInfo(path.relative_to(directory).as_posix(), date_time=_EPOCH)
            mode = 0o755 if path.stat().st_mode & 0o100 else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


class LookupModule(LookupBase):
    def run(self, terms: list[Any], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
        self.set_options(var_options=variables, direct=kwargs)
        return [base64.b64encode(build_context(Path(str(term)))).decode() for term in terms]
