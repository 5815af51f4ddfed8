"""Load balancers on AWS's time: ``provisioning`` for minutes before ``active``.

moto makes a load balancer ``active`` on the first DescribeLoadBalancers after its creation; here it stays
``provisioning`` until its modeled time has passed (``alb``, emulator.lifecycle) and a client has seen it
so. AWS lets listeners and target groups be added meanwhile, so nothing is refused.
"""

from __future__ import annotations

from typing import Any

from emulator.lifecycle import ENGINE, PENDING
from emulator.model_patches import ModelPatches

NAME = "alb_lifecycles"
KIND = "alb"


def _wrap_models() -> None:
    from moto.elbv2.models import ELBv2Backend, FakeLoadBalancer

    if getattr(FakeLoadBalancer, "_mlflow_lifecycle", False):
        return
    create, activate = ELBv2Backend.create_load_balancer, FakeLoadBalancer.activate

    def create_load_balancer(self: Any, *args: Any, **kwargs: Any) -> Any:
        balancer = create(self, *args, **kwargs)
        ENGINE.track(KIND, balancer.arn)
        return balancer

    def timed_activate(self: Any) -> None:
        if self.state == "provisioning" and ENGINE.observe(KIND, self.arn) != PENDING:
            activate(self)

    ELBv2Backend.create_load_balancer = create_load_balancer  # type: ignore[method-assign]
    FakeLoadBalancer.activate = timed_activate  # type: ignore[method-assign]
    FakeLoadBalancer._mlflow_lifecycle = True  # type: ignore[attr-defined]


def build() -> ModelPatches:
    _wrap_models()
    return ModelPatches(NAME)
