"""Faults on request (emulator.faults): a rate of throttling errors and of 5xx answers over all AWS requests.

``MLFLOW_EMULATOR_FAULTS='throttle=0.1,5xx=0.05,seed=7'``: each request is throttled with probability 0.1
(with its service's own throttling error, as AWS answers it) or answered with a 5xx with probability
0.05, drawn from one generator seeded with ``seed`` so a run can be repeated. SDK retries and the
collection's must absorb them.
"""

from __future__ import annotations

import random
import threading

from werkzeug.wrappers import Response

from emulator import faults
from emulator.request import AwsRequest
from emulator.responses import json_error, query_error, rest_json_error

NAME = "injected_faults"
# The services that answer errors in XML's ErrorResponse envelope: the query protocol's and Route 53's
# (REST-XML, which botocore cannot read a JSON error of); EC2 has its own envelope and codes.
_QUERY = {"iam", "rds", "elasticloadbalancing", "sts", "autoscaling", "cloudformation", "route53"}
THROTTLE, SERVER_ERROR = 0, 1
# Per protocol, AWS's throttling answer and its internal error: code, message, status.
_ANSWERS: dict[str, tuple[tuple[str, str, int], tuple[str, str, int]]] = {
    "ec2": (("RequestLimitExceeded", "Request limit exceeded.", 503), ("InternalError", "An internal error.", 500)),
    "query": (("Throttling", "Rate exceeded", 400), ("InternalFailure", "An internal error.", 500)),
    "rest": (("TooManyRequestsException", "Too Many Requests", 429), ("ServiceUnavailableException", "", 503)),
    "s3": (("SlowDown", "Please reduce your request rate.", 503), ("InternalError", "An internal error.", 500)),
    "json": (("ThrottlingException", "Rate exceeded", 400), ("ServiceUnavailableException", "", 503)),
}


def _protocol(service: str) -> str:
    if service in ("ec2", "s3"):
        return service
    if service in _QUERY:
        return "query"
    return "rest" if service == "apigateway" else "json"


def answer(service: str, fault: int) -> Response:
    """``service``'s own throttling answer (THROTTLE) or internal error (SERVER_ERROR), in its protocol's shape."""
    protocol = _protocol(service)
    code, message, status = _ANSWERS[protocol][fault]
    if protocol in ("ec2", "query"):
        return query_error(code, message, status=status, ec2=protocol == "ec2")
    if protocol == "rest":
        return rest_json_error(code, message, status=status)
    if protocol == "s3":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
        return Response(body, status=status, content_type="application/xml")
    return json_error(code, message, status=status)


class InjectedFaults:
    name = NAME

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seed: tuple[int, str] | None = None
        self._random = random.Random()  # noqa: S311 - fault injection, not crypto

    def handle(self, request: AwsRequest) -> Response | None:
        if request.service is None or request.path.startswith("/moto-api"):
            return None
        setting = faults.current()
        throttle, errors = _rate(setting, "throttle"), _rate(setting, "5xx")
        if not throttle and not errors:
            return None
        draw = self._draw(setting.option("seed", "0"))
        if draw < throttle:
            return answer(request.service, THROTTLE)
        if draw < throttle + errors:
            return answer(request.service, SERVER_ERROR)
        return None

    def _draw(self, seed: str) -> float:
        key = (faults.SETTING.generation, seed)
        with self._lock:
            if key != self._seed:  # each new setting starts its repeatable sequence over
                self._seed = key
                self._random.seed(seed)
            return self._random.random()


def _rate(setting: faults.Faults, key: str) -> float:
    try:
        return min(max(float(setting.option(key, "0")), 0.0), 1.0)
    except ValueError:
        return 0.0


def build() -> InjectedFaults:
    return InjectedFaults()
