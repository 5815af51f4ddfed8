"""Debian's nginx serving the project's files/nginx config, started through files/nginx/entrypoint.sh.

Only the listen address and the upstream differ from the container: the entrypoint renders the same
template with NGINX_LISTEN and MLFLOW_UPSTREAM, and writes the htpasswd the same way. The main
nginx.conf is ours (the image uses its stock one): pid, logs and temp paths inside ``base_dir``.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
from dataclasses import dataclass
from pathlib import Path

from local_runtime.processes import LocalRuntimeError, Service, free_port, http_status, spawn, wait_until

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NGINX_FILES = PROJECT_ROOT / "files" / "nginx"
START_TIMEOUT_S = 30.0

MAIN_CONF = """\
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


@dataclass
class Nginx:
    service: Service
    port: int
    conf_dir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def htpasswd(self) -> Path:
        return self.conf_dir / "auth" / "htpasswd"


def _worker_identity() -> tuple[str, str]:
    """The invoking user: unlike the image's nginx user it can read the htpasswd wherever it lives."""
    return pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name


def start(base_dir: Path, upstream: str, username: str, password: str, base_env: dict[str, str]) -> Nginx:
    nginx_binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx_binary is None:
        raise LocalRuntimeError("nginx not found: install the Debian package nginx")
    conf_dir = base_dir / "conf"
    (base_dir / "tmp").mkdir(parents=True, exist_ok=True)
    conf_dir.mkdir(parents=True, exist_ok=True)
    user, group = _worker_identity()
    # Started as root, nginx would drop its workers to "nobody", who may not reach a private directory.
    user_line = f"user {user} {group};" if os.geteuid() == 0 else ""
    (conf_dir / "nginx.conf").write_text(MAIN_CONF.format(user_line=user_line, base=base_dir))
    port = free_port()
    env = {
        **base_env,
        "MLFLOW_USERNAME": username,
        "MLFLOW_PASSWORD": password,
        "NGINX_LISTEN": f"127.0.0.1:{port}",
        "MLFLOW_UPSTREAM": upstream,
        "NGINX_TEMPLATE": str(NGINX_FILES / "mlflow.conf.template"),
        "NGINX_SITE_CONF": str(conf_dir / "mlflow.conf"),
        "HTPASSWD_FILE": str(conf_dir / "auth" / "htpasswd"),
        "HTPASSWD_GROUP": group,
    }
    command = [
        str(NGINX_FILES / "entrypoint.sh"),
        nginx_binary,
        "-p",
        str(base_dir),
        "-c",
        str(conf_dir / "nginx.conf"),
        "-g",
        "daemon off;",
    ]
    service = spawn("nginx", command, env, base_dir / "nginx.log", cwd=base_dir)
    nginx = Nginx(service=service, port=port, conf_dir=conf_dir)
    wait_until(service, lambda: http_status(f"{nginx.url}/elb-status") == 200, START_TIMEOUT_S, "200 on /elb-status")
    return nginx
