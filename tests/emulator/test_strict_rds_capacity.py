"""The strict emulator refuses Aurora Serverless v2 capacity settings AWS refuses: 0 ACUs before Aurora MySQL
3.08.0, an auto-pause delay outside 300 to 86,400 seconds or without 0 ACUs; it accepts what AWS accepts."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import launcher
from tests.emulator.strict_support import aurora_cluster, client, refused

PAUSING = "8.0.mysql_aurora.3.08.0"
BEFORE_PAUSE = "8.0.mysql_aurora.3.07.1"


@pytest.fixture
def rds(emulator: launcher.Emulator) -> Any:
    return client(emulator, "rds")


def _scaling(minimum: float, maximum: float = 4, **pause: int) -> dict[str, Any]:
    return {"ServerlessV2ScalingConfiguration": {"MinCapacity": minimum, "MaxCapacity": maximum, **pause}}


def test_zero_acus_needs_aurora_mysql_3_08(rds: Any) -> None:
    error = refused(aurora_cluster, "InvalidParameterCombination", rds=rds, EngineVersion=BEFORE_PAUSE, **_scaling(0))
    assert "3.08.0" in error.response["Error"]["Message"]
    cluster = aurora_cluster(rds, EngineVersion=PAUSING, **_scaling(0, SecondsUntilAutoPause=600))
    described = rds.describe_db_clusters(DBClusterIdentifier=cluster)["DBClusters"][0]
    assert described["ServerlessV2ScalingConfiguration"]["MinCapacity"] == 0


def test_an_older_cluster_cannot_be_modified_to_zero_acus(rds: Any) -> None:
    cluster = aurora_cluster(rds, EngineVersion=BEFORE_PAUSE, **_scaling(0.5))
    refused(rds.modify_db_cluster, "InvalidParameterCombination", DBClusterIdentifier=cluster, **_scaling(0))
    rds.modify_db_cluster(DBClusterIdentifier=cluster, **_scaling(1))


@pytest.mark.parametrize("seconds", [299, 86401])
def test_the_auto_pause_delay_is_300_to_86400_seconds(rds: Any, seconds: int) -> None:
    cluster = aurora_cluster(rds, EngineVersion=PAUSING, **_scaling(0.5))
    refused(
        rds.modify_db_cluster,
        "InvalidParameterValue",
        DBClusterIdentifier=cluster,
        **_scaling(0, SecondsUntilAutoPause=seconds),
    )
    rds.modify_db_cluster(DBClusterIdentifier=cluster, **_scaling(0, SecondsUntilAutoPause=86400))


def test_an_auto_pause_delay_needs_zero_acus(rds: Any) -> None:
    cluster = aurora_cluster(rds, EngineVersion=PAUSING, **_scaling(0.5))
    error = refused(
        rds.modify_db_cluster,
        "InvalidParameterValue",
        DBClusterIdentifier=cluster,
        **_scaling(0.5, SecondsUntilAutoPause=300),
    )
    assert (
        error.response["Error"]["Message"] == "SecondsUntilAutoPause can only be specified when minimum capacity is 0."
    )
