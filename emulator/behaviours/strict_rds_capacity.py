"""Aurora Serverless v2 capacity settings AWS refuses and moto accepts: 0 ACUs (automatic pause) on an Aurora
MySQL version before 3.08.0, an auto-pause delay outside 300 to 86,400 seconds, or one without 0 ACUs.

AWS's rules: the RDS API reference (ServerlessV2ScalingConfiguration) and the Aurora User Guide ("Scaling to
Zero ACUs with automatic pause and resume", Aurora MySQL 3.08.0 and later).
"""

from __future__ import annotations

import re

from werkzeug.wrappers import Response

from emulator.moto_state import backend
from emulator.request import AwsRequest
from emulator.responses import query_error
from emulator.strict import DeleteRules

NAME = "strict_rds_capacity"
_PREFIX = "ServerlessV2ScalingConfiguration."
_AURORA_MYSQL_3 = re.compile(r"^8\.0\.mysql_aurora\.3\.(?P<minor>\d+)\.(?P<patch>\d+)$")
FIRST_AUTO_PAUSE = (8, 0)
PAUSE_RANGE = (300, 86400)


def create_db_cluster(request: AwsRequest) -> Response | None:
    form = request.form()
    return _check(form, form.get("Engine", ""), form.get("EngineVersion", ""))


def modify_db_cluster(request: AwsRequest) -> Response | None:
    form = request.form()
    cluster = backend("rds", request).clusters.get(form.get("DBClusterIdentifier", ""))
    if cluster is None:
        return None
    return _check(form, cluster.engine, form.get("EngineVersion") or cluster.engine_version)


def _check(form: dict[str, str], engine: str, version: str) -> Response | None:
    minimum, pause = form.get(_PREFIX + "MinCapacity"), form.get(_PREFIX + "SecondsUntilAutoPause")
    zero = minimum is not None and float(minimum) == 0
    if pause is not None and not zero:
        message = "SecondsUntilAutoPause can only be specified when minimum capacity is 0."
        return query_error("InvalidParameterValue", message)
    if pause is not None and not PAUSE_RANGE[0] <= int(pause) <= PAUSE_RANGE[1]:
        return query_error(
            "InvalidParameterValue",
            f"SecondsUntilAutoPause must be between {PAUSE_RANGE[0]} and {PAUSE_RANGE[1]} seconds; got {pause}.",
        )
    if zero and engine == "aurora-mysql" and not _pauses(version):
        return query_error(
            "InvalidParameterCombination",
            f"The engine version {version} doesn't support a minimum capacity of 0 ACUs (automatic pause): "
            "it needs Aurora MySQL 3.08.0 or higher.",
        )
    return None


def _pauses(version: str) -> bool:
    found = _AURORA_MYSQL_3.match(version)
    return bool(found) and (int(found["minor"]), int(found["patch"])) >= FIRST_AUTO_PAUSE


def build() -> DeleteRules:
    return DeleteRules(
        name=NAME, service="rds", rules={"CreateDBCluster": create_db_cluster, "ModifyDBCluster": modify_db_cluster}
    )
