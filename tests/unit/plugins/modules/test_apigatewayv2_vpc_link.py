"""apigatewayv2_vpc_link against the emulator, and its waiter against AWS's PENDING status."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.module_utils import apigatewayv2_vpc_link as utils
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import AwsError
from ansible_collections.mlops.mlflow_aws.plugins.modules import apigatewayv2_vpc_link as module
from ansible_collections.mlops.mlflow_aws.plugins.modules import apigatewayv2_vpc_link_info as info_module

from tests.support.docs import ansible_doc_renders
from tests.support.modules import run_module

BASE = {"name": "mlflow-link", "subnet_ids": ["subnet-b", "subnet-a"], "security_group_ids": ["sg-1"]}
TAGS = {"mlflow:stack": "test"}


def links(client, name="mlflow-link"):
    return [link for link in client.get_vpc_links()["Items"] if link["Name"] == name]


def test_create_noop_tags_and_delete(apigw, capsys):
    created = run_module(module.main, {**BASE, "tags": TAGS}, capsys)
    assert created["changed"] is True
    link = created["vpc_link"]
    assert link["vpc_link_status"] == "AVAILABLE"
    assert sorted(link["subnet_ids"]) == ["subnet-a", "subnet-b"]
    assert link["tags"] == TAGS
    assert created["diff"]["before"] == {}
    [stored] = links(apigw)
    assert stored["VpcLinkId"] == link["vpc_link_id"] and stored["Tags"] == TAGS

    again = run_module(module.main, {**BASE, "subnet_ids": ["subnet-a", "subnet-b"], "tags": TAGS}, capsys)
    assert again["changed"] is False
    assert again["vpc_link"]["vpc_link_id"] == link["vpc_link_id"]

    retagged = run_module(module.main, {**BASE, "tags": {"owner": "ml"}, "purge_tags": False}, capsys)
    assert retagged["changed"] is True
    assert retagged["diff"]["after"]["tags"] == {**TAGS, "owner": "ml"}
    assert links(apigw)[0]["Tags"] == {**TAGS, "owner": "ml"}
    purged = run_module(module.main, {**BASE, "tags": TAGS}, capsys)
    assert purged["changed"] is True
    assert links(apigw)[0]["Tags"] == TAGS
    assert links(apigw)[0]["VpcLinkId"] == link["vpc_link_id"]

    deleted = run_module(module.main, {"name": "mlflow-link", "state": "absent"}, capsys)
    assert deleted["changed"] is True
    assert deleted["diff"]["after"] == {}
    assert links(apigw) == []
    absent = run_module(module.main, {"name": "mlflow-link", "state": "absent"}, capsys)
    assert absent["changed"] is False


def _integration_over(apigw, link, uri):
    """An HTTP API with one HTTP_PROXY integration sending to ``uri`` through ``link``."""
    api = apigw.create_api(Name="api", ProtocolType="HTTP")
    integration = apigw.create_integration(
        ApiId=api["ApiId"],
        IntegrationType="HTTP_PROXY",
        IntegrationUri=uri,
        IntegrationMethod="ANY",
        ConnectionType="VPC_LINK",
        ConnectionId=link["vpc_link_id"],
        PayloadFormatVersion="1.0",
    )
    return api, integration


def test_subnet_change_replaces_link_and_moves_integrations(apigw, capsys):
    old = run_module(module.main, {**BASE, "tags": TAGS}, capsys)["vpc_link"]
    listener = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/alb/1/2"
    api, integration = _integration_over(apigw, old, listener)

    result = run_module(module.main, {**BASE, "subnet_ids": ["subnet-c", "subnet-d"]}, capsys)
    assert result["changed"] is True
    assert result["replaced"] is True
    assert result["replaced_vpc_link_id"] == old["vpc_link_id"]
    assert result["diff"]["before"]["subnet_ids"] == ["subnet-a", "subnet-b"]
    assert result["diff"]["after"]["subnet_ids"] == ["subnet-c", "subnet-d"]
    new_id = result["vpc_link"]["vpc_link_id"]
    assert new_id != old["vpc_link_id"]
    [stored] = links(apigw)
    assert stored["VpcLinkId"] == new_id
    assert stored["Tags"] == TAGS  # tags carried over when not given
    assert result["migrated_integrations"] == [{"api_id": api["ApiId"], "integration_id": integration["IntegrationId"]}]
    moved = apigw.get_integration(ApiId=api["ApiId"], IntegrationId=integration["IntegrationId"])
    assert moved["ConnectionId"] == new_id

    new_groups = {**BASE, "subnet_ids": ["subnet-c", "subnet-d"], "security_group_ids": ["sg-2"]}
    groups = run_module(module.main, new_groups, capsys)
    assert groups["replaced"] is True
    assert links(apigw)[0]["SecurityGroupIds"] == ["sg-2"]


def test_replacement_of_link_in_use_refused_without_migration(apigw, capsys):
    old = run_module(module.main, BASE, capsys)["vpc_link"]
    _integration_over(apigw, old, "http://example.invalid")
    result = run_module(module.main, {**BASE, "subnet_ids": ["subnet-z"], "migrate_integrations": False}, capsys)
    assert result["failed"] is True
    assert "migrate_integrations is false" in result["msg"]
    assert [link["VpcLinkId"] for link in links(apigw)] == [old["vpc_link_id"]]


def test_check_mode_writes_nothing(apigw, capsys):
    created = run_module(module.main, {**BASE, "tags": TAGS}, capsys, check_mode=True)
    assert created["changed"] is True
    assert created["diff"]["after"]["subnet_ids"] == ["subnet-a", "subnet-b"]
    assert links(apigw) == []

    run_module(module.main, {**BASE, "tags": TAGS}, capsys)
    [before] = links(apigw)
    replaced = run_module(module.main, {**BASE, "subnet_ids": ["subnet-x"], "tags": {}}, capsys, check_mode=True)
    assert replaced["changed"] is True and replaced["replaced"] is True
    retagged = run_module(module.main, {**BASE, "tags": {"a": "b"}}, capsys, check_mode=True)
    assert retagged["changed"] is True
    deleted = run_module(module.main, {"name": "mlflow-link", "state": "absent"}, capsys, check_mode=True)
    assert deleted["changed"] is True
    assert links(apigw) == [before]


def _link_reads(fake_aws, link_id):
    """The GetVpcLink answers the emulator gave for ``link_id``."""
    return [e for e in fake_aws.requests() if e["method"] == "GET" and e["path"] == f"/v2/vpclinks/{link_id}"]


def test_create_waits_until_available(apigw, fake_aws, capsys):
    started = fake_aws.modeled_seconds()
    created = run_module(module.main, BASE, capsys)
    assert created["changed"] is True
    assert created["vpc_link"]["vpc_link_status"] == "AVAILABLE"
    # The emulator's link was PENDING for a modeled minute or more: the module polled through it.
    assert len(_link_reads(fake_aws, created["vpc_link"]["vpc_link_id"])) >= 2
    assert fake_aws.modeled_seconds() - started >= 60


def test_create_without_wait_returns_pending(apigw, capsys):
    created = run_module(module.main, {**BASE, "wait": False}, capsys)
    assert created["vpc_link"]["vpc_link_status"] == "PENDING"
    again = run_module(module.main, BASE, capsys)  # a later run with wait=true waits for it, changing nothing
    assert again["changed"] is False
    assert again["vpc_link"]["vpc_link_status"] == "AVAILABLE"


def test_delete_waits_while_deleting(apigw, fake_aws, capsys):
    link_id = run_module(module.main, BASE, capsys)["vpc_link"]["vpc_link_id"]
    fake_aws.clear_requests()
    run_module(module.main, {"name": "mlflow-link", "state": "absent"}, capsys)
    reads = _link_reads(fake_aws, link_id)
    assert [e["status"] for e in reads][-1] == 404  # read DELETING first, then gone
    assert len(reads) >= 2


def test_a_failed_link_fails_with_aws_message(apigw, fake_aws, capsys):
    with fake_aws.faults("fail=vpc_link"):
        result = run_module(module.main, BASE, capsys)
    assert result["failed"] is True
    assert "is FAILED: Insufficient free IP addresses" in result["msg"]


def test_duplicate_names_fail_clearly(apigw, capsys):
    for _attempt in range(2):
        apigw.create_vpc_link(Name="mlflow-link", SubnetIds=["subnet-a"])
    result = run_module(module.main, BASE, capsys)
    assert result["failed"] is True
    assert "Found 2 VPC links named mlflow-link" in result["msg"]


def test_missing_subnets_rejected_before_any_call(apigw, capsys):
    result = run_module(module.main, {"name": "mlflow-link"}, capsys)
    assert result["failed"] is True
    assert "subnet_ids" in result["msg"]


def test_info_by_name_id_and_tags(apigw, capsys):
    first = run_module(module.main, {**BASE, "tags": TAGS}, capsys)["vpc_link"]
    run_module(module.main, {**BASE, "name": "other", "tags": {"mlflow:stack": "other"}}, capsys)
    by_tag = run_module(info_module.main, {"tags": TAGS}, capsys)
    assert [link["vpc_link_id"] for link in by_tag["vpc_links"]] == [first["vpc_link_id"]]
    by_id = run_module(info_module.main, {"vpc_link_id": first["vpc_link_id"]}, capsys)
    assert by_id["vpc_links"][0]["name"] == "mlflow-link"
    by_name = run_module(info_module.main, {"name": "other"}, capsys)
    assert by_name["vpc_links"][0]["tags"] == {"mlflow:stack": "other"}
    everything = run_module(info_module.main, {}, capsys)
    assert len(everything["vpc_links"]) == 2
    assert run_module(info_module.main, {"vpc_link_id": "missing"}, capsys)["vpc_links"] == []


class SequenceClient:
    """get_vpc_link answers with the given statuses in turn (AWS reports PENDING before AVAILABLE)."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.calls = 0

    def get_vpc_link(self, aws_retry, VpcLinkId):
        self.calls += 1
        return {"VpcLinkId": VpcLinkId, "VpcLinkStatus": self.statuses.pop(0), "VpcLinkStatusMessage": "why"}


def test_waiter_polls_through_pending():
    client = SequenceClient(["PENDING", "PENDING", "AVAILABLE"])
    sleeps = []
    link = utils.available_waiter(client, "l1", 60, sleep=sleeps.append, clock=lambda: 0.0).wait()
    assert link["VpcLinkStatus"] == "AVAILABLE"
    assert client.calls == 3 and len(sleeps) == 2


def test_waiter_gives_up_at_timeout():
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    client = SequenceClient(["PENDING"] * 100)
    with pytest.raises(AwsError, match="VPC link l1 to become AVAILABLE: still PENDING after 12 s"):
        utils.available_waiter(client, "l1", 12, sleep=sleep, clock=lambda: now[0]).wait()
    assert client.calls < 10


def test_waiter_fails_on_failed_link():
    with pytest.raises(AwsError, match="VPC link l1 is FAILED: why"):
        client = SequenceClient(["PENDING", "FAILED"])
        utils.available_waiter(client, "l1", 60, sleep=lambda s: None).wait()


@pytest.mark.parametrize("name", ["apigatewayv2_vpc_link", "apigatewayv2_vpc_link_info"])
def test_ansible_doc_renders(name):
    ansible_doc_renders(name)
