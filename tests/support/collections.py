"""Make this checkout importable as ansible_collections.mlops.mlflow_aws beside the bundled collections."""

from __future__ import annotations

import sys
from pathlib import Path

import ansible_collections.amazon.aws as amazon_aws


def install_collection_finder(root: Path) -> None:
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    link = root / ".collections" / "ansible_collections" / "mlops" / "mlflow_aws"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(Path("../../.."))
    bundled = Path(amazon_aws.__path__[0]).parents[2]
    # Importing amazon.aws above cached ansible_collections as a plain namespace package, which would
    # hide every collection the finder serves (mlops.mlflow_aws): let the finder import them afresh.
    for name in [n for n in sys.modules if n == "ansible_collections" or n.startswith("ansible_collections.")]:
        del sys.modules[name]
    _AnsibleCollectionFinder(paths=[str(root / ".collections"), str(bundled)], scan_sys_paths=False)._install()
