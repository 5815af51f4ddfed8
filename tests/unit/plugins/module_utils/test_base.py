"""The module_utils base: the waiter (with an injected clock), the tag plan, the paginator, AWS errors,
and the resource manager's check mode, diff and result."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.core import (
    AwsError,
    call,
    call_or_none,
    paginate,
    reported_errors,
)
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.manager import ResourceManager
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.tags import TagPlan
from ansible_collections.mlops.mlflow_aws.plugins.module_utils.waiter import Waiter, gone, status_is
from botocore.exceptions import ClientError

from tests.support.clock import FakeClock as Clock


def scripted(*answers: Any) -> Any:
    """A describe function answering ``answers`` in turn (the last one repeats)."""
    queue = list(answers)

    def describe() -> Any:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return describe


def failure(resource: Any) -> str | None:
    if resource and resource["Status"] == "Failed":
        return f"is Failed: {resource['FailureReason']}"
    return None


IN_SERVICE = status_is("InService")


def waiter(describe: Any, clock: Clock, timeout: float = 60, done: Any = IN_SERVICE) -> Waiter:
    return Waiter(
        what="domain d-1",
        goal="become InService",
        describe=describe,
        done=done,
        failure=failure,
        timeout=timeout,
        interval=5,
        clock=clock.time,
        sleep=clock.sleep,
    )


def test_waiter_polls_until_done() -> None:
    clock = Clock()
    found = waiter(scripted({"Status": "Pending"}, {"Status": "Pending"}, {"Status": "InService"}), clock).wait()
    assert found == {"Status": "InService"}
    assert clock.sleeps == [5, 5]


def test_waiter_reports_a_failed_state_with_aws_reason() -> None:
    clock = Clock()
    describe = scripted({"Status": "Pending"}, {"Status": "Failed", "FailureReason": "subnet full"})
    with pytest.raises(AwsError) as raised:
        waiter(describe, clock).wait()
    assert raised.value.message == "domain d-1 is Failed: subnet full"
    assert raised.value.cause is None
    assert clock.sleeps == [5]


def test_waiter_gives_up_at_the_deadline_without_real_sleeping() -> None:
    clock = Clock()
    with pytest.raises(AwsError, match="domain d-1 to become InService: still Pending after 12 s"):
        waiter(scripted({"Status": "Pending"}), clock, timeout=12).wait()
    assert clock.sleeps == [5, 5, 2]  # the last sleep is cut to the time left


def test_waiter_for_a_deletion_is_done_when_the_resource_is_gone() -> None:
    clock = Clock()
    assert waiter(scripted({"Status": "Deleting"}, None), clock, done=gone).wait() is None
    with pytest.raises(AwsError, match="still gone after 1 s"):
        waiter(scripted(None), Clock(), timeout=1).wait()


@pytest.mark.parametrize(
    ("current", "wanted", "purge", "to_add", "to_remove", "after"),
    [
        ({"a": "1"}, None, True, {}, [], {"a": "1"}),  # tags not managed
        ({"a": "1", "b": "2"}, {"a": "1"}, True, {}, ["b"], {"a": "1"}),
        ({"a": "1", "b": "2"}, {"a": "1"}, False, {}, [], {"a": "1", "b": "2"}),
        ({"a": "1"}, {"a": "2", "c": "3"}, True, {"a": "2", "c": "3"}, [], {"a": "2", "c": "3"}),
        ({"aws:cloudformation:stack": "s", "x": "y"}, {}, True, {}, ["x"], {"aws:cloudformation:stack": "s"}),
        (None, {"n": 1}, True, {"n": "1"}, [], {"n": "1"}),
    ],
)
def test_tag_plan(current, wanted, purge, to_add, to_remove, after) -> None:
    plan = TagPlan.of(current, wanted, purge)
    assert (plan.to_add, plan.to_remove, plan.after) == (to_add, to_remove, after)
    assert plan.changed is bool(to_add or to_remove)


def test_tag_plan_removes_before_it_adds_and_only_what_changes() -> None:
    calls: list[tuple[str, Any]] = []
    plan = TagPlan.of({"old": "1", "keep": "k"}, {"keep": "k", "new": "2"}, True)
    assert plan.apply(lambda keys: calls.append(("untag", keys)), lambda tags: calls.append(("tag", tags)))
    assert calls == [("untag", ["old"]), ("tag", {"new": "2"})]
    assert not TagPlan.of({"a": "1"}, {"a": "1"}, True).apply(calls.append, calls.append)
    assert len(calls) == 2


class Paged:
    """list_things in pages of two, NextToken as AWS gives it; records the requests."""

    def __init__(self, items: list[int], error: str | None = None) -> None:
        self.items = items
        self.error = error
        self.requests: list[dict[str, Any]] = []

    def list_things(self, **kwargs: Any) -> dict[str, Any]:
        self.requests.append(kwargs)
        if self.error:
            raise ClientError({"Error": {"Code": self.error, "Message": "nope"}}, "ListThings")
        start = int(kwargs.get("NextToken") or 0)
        page: dict[str, Any] = {"Things": self.items[start : start + 2]}
        if start + 2 < len(self.items):
            page["NextToken"] = str(start + 2)
        return page


def test_paginate_follows_next_token_with_retries() -> None:
    aws = Paged([1, 2, 3, 4, 5])
    assert paginate(aws, "list_things", "Things", "list things", Kind="x") == [1, 2, 3, 4, 5]
    assert aws.requests == [
        {"aws_retry": True, "Kind": "x"},
        {"aws_retry": True, "Kind": "x", "NextToken": "2"},
        {"aws_retry": True, "Kind": "x", "NextToken": "4"},
    ]


def test_aws_errors_become_one_exception_type() -> None:
    with pytest.raises(AwsError) as raised:
        paginate(Paged([], error="AccessDenied"), "list_things", "Things", "list things")
    assert raised.value.message == "Failed to list things"
    assert raised.value.cause.response["Error"]["Code"] == "AccessDenied"
    assert call_or_none(Paged([], error="NotFound"), "list_things", "NotFound", "read thing") is None
    with pytest.raises(AwsError, match="Failed to read thing"):
        call(Paged([], error="Throttled"), "list_things", "read thing")


class FakeModule:
    def __init__(self, params: dict[str, Any], check_mode: bool = False) -> None:
        self.params = params
        self.check_mode = check_mode
        self.failed: dict[str, Any] = {}

    def fail_json(self, **kwargs: Any) -> None:
        self.failed = {"how": "fail_json", **kwargs}
        raise SystemExit(1)

    def fail_json_aws(self, error: Exception, **kwargs: Any) -> None:
        self.failed = {"how": "fail_json_aws", "error": error, **kwargs}
        raise SystemExit(1)


def test_reported_errors_fails_the_module_once_with_aws_error_and_extra_keys() -> None:
    module = FakeModule({})
    with pytest.raises(SystemExit), reported_errors(module):
        raise AwsError("Domain d-1 is Failed: x", domain={"status": "Failed"})
    assert module.failed == {"how": "fail_json", "msg": "Domain d-1 is Failed: x", "domain": {"status": "Failed"}}
    cause = ClientError({"Error": {"Code": "ResourceInUse", "Message": "busy"}}, "DeleteThing")
    with pytest.raises(SystemExit), reported_errors(module):
        raise AwsError("Failed to delete thing", cause=cause)
    assert module.failed == {"how": "fail_json_aws", "error": cause, "msg": "Failed to delete thing"}


class Things(ResourceManager):
    """A thing with a size and tags, kept in a dict: the manager's hooks and nothing else."""

    result_key = "thing"

    def __init__(self, module: FakeModule, store: dict[str, Any]) -> None:
        super().__init__(module)
        self.store = store
        self.writes: list[str] = []

    def find(self) -> dict | None:
        return self.store.get("thing")

    def view(self, resource: dict) -> dict:
        return {"size": resource["size"], "tags": resource["tags"]}

    def returned(self, resource: dict) -> dict:
        return {"id": resource.get("id"), **self.view(resource)}

    def plan_create(self) -> dict:
        return {"size": self.params["size"], "tags": self.params["tags"] or {}}

    def plan_update(self, current: dict) -> dict | None:
        self.tags = TagPlan.of(current["tags"], self.params["tags"], True)
        if current["size"] == self.params["size"] and not self.tags.changed:
            return None
        return dict(current, size=self.params["size"], tags=self.tags.after)

    def create(self) -> dict:
        self.writes.append("create")
        self.store["thing"] = dict(self.plan_create(), id="t-1")
        return self.store["thing"]

    def update(self, current: dict, planned: dict) -> dict:
        self.writes.append("update")
        self.store["thing"] = planned
        return planned

    def delete(self, current: dict) -> None:
        self.writes.append("delete")
        del self.store["thing"]


def run(store: dict, check_mode: bool = False, **params: Any) -> tuple[dict, list[str]]:
    manager = Things(FakeModule({"state": "present", "tags": None, **params}, check_mode), store)
    return manager.ensure(), manager.writes


def test_manager_check_mode_plans_without_writing_and_diffs_have_one_shape() -> None:
    store: dict[str, Any] = {}
    planned, writes = run(store, check_mode=True, size=1, tags={"a": "b"})
    assert writes == [] and store == {}
    assert planned == {
        "changed": True,
        "thing": {"id": None, "size": 1, "tags": {"a": "b"}},
        "diff": {"before": {}, "after": {"size": 1, "tags": {"a": "b"}}},
    }

    created, writes = run(store, size=1, tags={"a": "b"})
    assert writes == ["create"]
    assert created["thing"] == {"id": "t-1", "size": 1, "tags": {"a": "b"}}
    assert created["diff"]["after"] == planned["diff"]["after"]

    same, writes = run(store, size=1, tags={"a": "b"})
    assert writes == [] and same["changed"] is False
    assert same["diff"]["before"] == same["diff"]["after"] == {"size": 1, "tags": {"a": "b"}}

    update_plan, writes = run(store, check_mode=True, size=2, tags={})
    assert writes == [] and store["thing"]["size"] == 1
    assert update_plan["changed"] is True
    assert update_plan["diff"] == {"before": {"size": 1, "tags": {"a": "b"}}, "after": {"size": 2, "tags": {}}}
    updated, writes = run(store, size=2, tags={})
    assert writes == ["update"] and updated["diff"] == update_plan["diff"]
    assert set(updated["diff"]["before"]) == set(updated["diff"]["after"])


def test_manager_absent_and_extra_result_keys() -> None:
    store: dict[str, Any] = {"thing": {"id": "t-1", "size": 1, "tags": {}}}
    planned, writes = run(store, check_mode=True, state="absent")
    assert writes == [] and "thing" in store
    assert planned == {"changed": True, "thing": {}, "diff": {"before": {"size": 1, "tags": {}}, "after": {}}}
    manager = Things(FakeModule({"state": "absent", "tags": None}), store)
    manager.extra["operation_id"] = "op-1"
    deleted = manager.ensure()
    assert manager.writes == ["delete"] and store == {}
    assert deleted["operation_id"] == "op-1" and deleted["changed"] is True
    again, writes = run(store, state="absent")
    assert again == {"changed": False, "thing": {}, "diff": {"before": {}, "after": {}}} and writes == []
