"""Make this checkout importable as ansible_collections.mlops.mlflow_aws beside the bundled collections."""

from __future__ import annotations

from pathlib import Path

import ansible


def install_collection_finder(root: Path) -> None:
    """Must run before anything imports ``ansible_collections`` (ansible's finder owns that namespace)."""
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    link = root / ".collections" / "ansible_collections" / "mlops" / "mlflow_aws"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(Path("../../.."))
    # The `ansible` package on PyPI installs its collections beside ansible-core in site-packages.
    bundled = Path(ansible.__file__).resolve().parents[1]
    _AnsibleCollectionFinder(paths=[str(root / ".collections"), str(bundled)], scan_sys_paths=False)._install()
