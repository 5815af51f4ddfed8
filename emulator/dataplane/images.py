"""What an image of the stack is, without Docker: its build context and how to start it.

An image CodeBuild pushed runs from the build context of that push (kept by ``keep_pushed``, unpacked once
per image digest), as on AWS a task runs the image it names, whatever the sources look like now: a stack
deployed by an older release keeps running its own images until a deploy names new ones. Any other image
(the docker builder, definitions registered by tests) runs from ``files/<name>``, its repository
(``<stack>/nginx``, ``<stack>/mlflow``) naming the directory. The image's ``ENV`` comes from its
Dockerfile; its entrypoint is the same file the Dockerfile copies, run in place. Only what a container
runtime owns differs: where nginx keeps its pid, temp files and configuration, and the address each
server listens on (the task's, chosen by the data plane).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FILES = PROJECT_ROOT / "files"
# Where each image's server listens inside the task, and the variable that moves it (awsvpc: the
# task's own namespace; here: an address and port of the data plane's choosing).
IMAGE_PORTS = {"nginx": 80, "mlflow": 5000}
# Unpacked build contexts by image digest: the same digest is the same content, so emulators share them.
CONTEXTS = Path(tempfile.gettempdir()) / f"mlflow-emulator-images-{os.geteuid()}"
# "<repository>:<tag>" and "<repository>@<digest>" -> the context of the image CodeBuild pushed there.
_pushed: dict[str, Path] = {}
_pushed_lock = threading.Lock()
# Manifest annotation keys of the build args (emulator.behaviours.codebuild_builds).
BUILD_ARG = "build-arg:"

NGINX_MAIN_CONF = """\
{user_line}
worker_processes 1;
pid {base}/nginx.pid;
error_log stderr notice;
events {{
    worker_connections 256;
}}
http {{
    default_type application/octet-stream;
    client_body_temp_path {base}/tmp/body;
    proxy_temp_path {base}/tmp/proxy;
    fastcgi_temp_path {base}/tmp/fastcgi;
    uwsgi_temp_path {base}/tmp/uwsgi;
    scgi_temp_path {base}/tmp/scgi;
    include mlflow.conf;
}}
"""


class ImageError(RuntimeError):
    """The image cannot be run: the message is the ECS stopped reason."""


@dataclass(frozen=True)
class Image:
    name: str
    source: Path


def keep_pushed(repository: str, tag: str, digest: str, archive: zipfile.ZipFile) -> None:
    """Remember what a build pushed to ``repository:tag`` (``digest``): the context it was built from."""
    target = CONTEXTS / digest.removeprefix("sha256:")
    if not (target / "Dockerfile").is_file():
        _unpack(archive, target)
    with _pushed_lock:
        _pushed[f"{repository}:{tag}"] = target
        _pushed[f"{repository}@{digest}"] = target


def _unpack(archive: zipfile.ZipFile, target: Path) -> None:
    CONTEXTS.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=CONTEXTS, prefix=".unpacking-"))
    for info in archive.infolist():
        path = (staging / info.filename).resolve()
        if info.is_dir() or staging.resolve() not in path.parents:
            continue  # directories come with their files; nothing may land outside the context
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(archive.read(info))
        path.chmod((info.external_attr >> 16) & 0o777 or 0o644)
    try:
        staging.rename(target)
    except OSError:  # another emulator unpacked the same digest first
        shutil.rmtree(staging, ignore_errors=True)


def image_of(uri: str) -> Image:
    """``<registry>/<stack>/<name>:<tag>`` (or ``@sha256:...``) -> the pushed build context, else files/<name>."""
    repository = re.split(r"[@:]", uri.rsplit("/", 1)[-1], maxsplit=1)[0]
    with _pushed_lock:
        pushed = _pushed.get(uri.partition("/")[2])
    if pushed is not None and repository in IMAGE_PORTS:
        return Image(name=repository, source=pushed)
    source = FILES / repository
    if repository not in IMAGE_PORTS or not (source / "Dockerfile").is_file():
        raise ImageError(f"CannotPullContainerError: no source for image {uri} under files/")
    return Image(name=repository, source=source)


def require_in_ecr(uri: str, account: str, region: str) -> dict[str, str]:
    """Refuse an image the emulator's ECR does not hold, as the agent's pull would fail; else its build args."""
    from moto.backends import get_backend

    registry, _slash, rest = uri.partition("/")
    name, digest = rest.split("@", 1) if "@" in rest else (rest, "")
    repository, _colon, tag = name.partition(":") if not digest else (name, "", "")
    image_id = {"imageDigest": digest} if digest else {"imageTag": tag or "latest"}
    registry_id = registry.split(".", 1)[0]
    try:
        found = get_backend("ecr")[registry_id or account][region].batch_get_image(repository, registry_id, [image_id])
    except Exception:
        found = {}
    if not found.get("images"):
        raise ImageError(
            "CannotPullContainerError: pull image manifest has been retried 1 time(s): "
            f"failed to resolve ref {uri}: not found"
        ) from None
    return build_args(str(getattr(found["images"][0], "image_manifest", "") or "{}"))


def build_args(manifest: str) -> dict[str, str]:
    """The ``--build-arg`` values an image was built with (the emulator's CodeBuild notes them in the manifest)."""
    annotations = json.loads(manifest or "{}").get("annotations") or {}
    return {key.removeprefix(BUILD_ARG): value for key, value in annotations.items() if key.startswith(BUILD_ARG)}


def dockerfile_env(dockerfile: Path) -> dict[str, str]:
    """The ENV of a Dockerfile (``ENV A=b C=d``, continuation lines and comments inside them)."""
    lines = [line for line in dockerfile.read_text().splitlines() if not line.strip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    env: dict[str, str] = {}
    for line in joined.splitlines():
        if line.strip().upper().startswith("ENV "):
            for item in shlex.split(line.strip()[4:]):
                key, _equals, value = item.partition("=")
                env[key] = value
    return env


def launch(
    image: Image,
    command: list[str] | None,
    workdir: Path,
    listen: dict[int, tuple[str, int]],
    args: dict[str, str] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The argv and the runtime's environment additions for one container of ``image`` built with ``args``."""
    if image.name == "mlflow":
        from emulator.dataplane.mlflow_runtimes import python_for

        _host, port = listen[IMAGE_PORTS["mlflow"]]
        python = python_for((args or {}).get("MLFLOW_VERSION"))
        # ENTRYPOINT python entrypoint.py: the command is its arguments (none, migrate or gc).
        return [python, str(image.source / "entrypoint.py"), *(command or [])], {"MLFLOW_PORT": str(port)}
    return _nginx(image, command, workdir, listen)


def _nginx(
    image: Image, command: list[str] | None, workdir: Path, listen: dict[int, tuple[str, int]]
) -> tuple[list[str], dict[str, str]]:
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if binary is None:
        raise ImageError("CannotStartContainerError: nginx not found (install the Debian package nginx)")
    conf = workdir / "conf"
    (workdir / "tmp").mkdir(parents=True, exist_ok=True)
    conf.mkdir(parents=True, exist_ok=True)
    user, group = _identity()
    # Started as root, nginx would drop its workers to "nobody", who may not read the files here.
    user_line = f"user {user} {group};" if os.geteuid() == 0 else ""
    (conf / "nginx.conf").write_text(NGINX_MAIN_CONF.format(user_line=user_line, base=workdir))
    argv = list(command or ["nginx", "-g", "daemon off;"])
    if argv and argv[0] == "nginx":
        argv = [binary, "-p", str(workdir), "-c", str(conf / "nginx.conf"), *argv[1:]]
    listen_host, listen_port = listen[IMAGE_PORTS["nginx"]]
    upstream_host, upstream_port = listen[IMAGE_PORTS["mlflow"]]
    env = {
        "NGINX_TEMPLATE": str(image.source / "mlflow.conf.template"),
        "NGINX_SITE_CONF": str(conf / "mlflow.conf"),
        # The image's /etc/nginx/auth, for images of releases whose nginx checked a password file.
        "HTPASSWD_FILE": str(conf / "auth" / "htpasswd"),
        "HTPASSWD_GROUP": group,
        "NGINX_LISTEN": f"{listen_host}:{listen_port}",
        "MLFLOW_UPSTREAM": f"{upstream_host}:{upstream_port}",
    }
    return [str(image.source / "entrypoint.sh"), *argv], env


def _identity() -> tuple[str, str]:
    import grp
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name
