#!/bin/sh
# Installs MLflow VERSION (a line of versions.txt) with the image's pins: requirements.txt with MLflow's
# three packages at VERSION, every other dependency at constraints.txt's version. The Dockerfile runs it;
# the emulator's data plane runs it into a venv of its own per version. PIP: the pip to run (default pip).
set -eu
version="${1:?usage: install-mlflow.sh VERSION}"
here="$(dirname "$0")"
if ! grep -qx "$version" "$here/versions.txt"; then
    echo "install-mlflow.sh: MLflow $version is not in versions.txt" >&2
    exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
grep -vE '^mlflow(-skinny|-tracing)?==' "$here/constraints.txt" >"$work/constraints.txt"
grep -vE '^mlflow(\[[a-z,]+\])?==' "$here/requirements.txt" >"$work/requirements.txt"
${PIP:-pip} install --no-cache-dir -r "$work/requirements.txt" -c "$work/constraints.txt" \
    "mlflow[auth]==$version" "mlflow-skinny==$version" "mlflow-tracing==$version"
