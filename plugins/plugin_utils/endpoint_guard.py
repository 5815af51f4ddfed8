# Copyright: mlops.mlflow_aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every AWS endpoint a botocore client of this process could be pointed at, and which are not loopback.

botocore takes an endpoint from AWS_ENDPOINT_URL, from AWS_ENDPOINT_URL_<SERVICE>, and from the shared
config file (a profile's endpoint_url, or a ``services`` section it names); amazon.aws modules also take
AWS_URL. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile's ignore_configured_endpoint_urls) throws all
of them away, so a client would reach AWS: a guard for the emulator must refuse that too.
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Mapping
from pathlib import Path

LOOPBACK_URL = re.compile(r"^https?://(127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|localhost|\[::1\])(:[0-9]{1,5})?/?$")
TRUE_WORDS = {"1", "true", "yes", "on"}


def is_loopback(url: str) -> bool:
    return bool(LOOPBACK_URL.match(url.strip()))


def _config_path(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("AWS_CONFIG_FILE") or Path(environ.get("HOME", "~")) / ".aws" / "config").expanduser()


def _nested(text: str) -> dict[str, str]:
    """A nested block of the config file (``s3 =`` then indented ``endpoint_url = ...``) as key/value pairs."""
    pairs = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            pairs[key.strip()] = value.strip()
    return pairs


def _read_config(path: Path) -> configparser.RawConfigParser | None:
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(path.read_text())
    except FileNotFoundError:
        return None
    return parser


def config_endpoints(environ: Mapping[str, str]) -> tuple[list[tuple[str, str]], bool]:
    """(source, url) of every endpoint the selected profile configures, and whether it ignores them."""
    path = _config_path(environ)
    parser = _read_config(path)
    if parser is None:
        return [], False
    profile = environ.get("AWS_PROFILE") or environ.get("AWS_DEFAULT_PROFILE") or "default"
    section = "default" if profile == "default" else f"profile {profile}"
    if not parser.has_section(section):
        return [], False
    options = dict(parser.items(section))
    found = []
    if options.get("endpoint_url"):
        found.append((f"endpoint_url of [{section}] in {path}", options["endpoint_url"]))
    services = options.get("services")
    if services and parser.has_section(f"services {services}"):
        for service, block in parser.items(f"services {services}"):
            url = _nested(block).get("endpoint_url")
            if url:
                found.append((f"{service} endpoint_url of [services {services}] in {path}", url))
    ignored = options.get("ignore_configured_endpoint_urls", "").strip().lower() in TRUE_WORDS
    return found, ignored


def environment_endpoints(environ: Mapping[str, str]) -> list[tuple[str, str]]:
    names = sorted(n for n in environ if n == "AWS_ENDPOINT_URL" or n.startswith("AWS_ENDPOINT_URL_") or n == "AWS_URL")
    return [(name, environ[name]) for name in names if environ[name]]


def problems(environ: Mapping[str, str] | None = None) -> list[str]:
    """What stops this process from being sure it talks only to a loopback endpoint; empty when nothing does."""
    environ = os.environ if environ is None else environ
    found: list[str] = []
    if not environ.get("AWS_ENDPOINT_URL"):
        found.append("AWS_ENDPOINT_URL is not set, so requests would go to AWS")
    from_config, ignored_in_config = config_endpoints(environ)
    for source, url in environment_endpoints(environ) + from_config:
        if not is_loopback(url):
            found.append(f"{source} is {url!r}, not a loopback address")
    if environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").strip().lower() in TRUE_WORDS:
        found.append("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is set, so botocore would ignore the emulator's endpoint")
    if ignored_in_config:
        found.append(
            "the AWS config profile sets ignore_configured_endpoint_urls, so the emulator's endpoint is ignored"
        )
    return found
