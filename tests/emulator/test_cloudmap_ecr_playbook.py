"""The Cloud Map and ECR token modules run by ansible-playbook against the emulator (AnsiballZ, module_defaults group,
no_log): what the in-process unit tests cannot show."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from emulator import launcher

ROOT = Path(__file__).resolve().parents[2]
MOTO_ECR_PASSWORD = "123456789012-auth-token"  # noqa: S105 - moto's fixed fake token

PLAYBOOK = """
- name: Cloud Map and ECR token modules against the emulator
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/mlops.mlflow_aws.aws:
      region: us-east-1
  tasks:
    - name: Namespace
      mlops.mlflow_aws.servicediscovery_namespace:
        name: playbook.internal
        vpc_id: vpc-0123456789abcdef0
        tags: {stack: playbook}
      register: ns
    - name: Namespace again
      mlops.mlflow_aws.servicediscovery_namespace:
        name: playbook.internal
        vpc_id: vpc-0123456789abcdef0
        tags: {stack: playbook}
      register: ns_again
    - name: Service
      mlops.mlflow_aws.servicediscovery_service:
        name: mlflow
        namespace_id: "{{ ns.namespace.id }}"
        dns_config: {dns_records: [{type: A, ttl: 10}]}
        health_check_custom_config: {}
      register: srv
    - name: Service info
      mlops.mlflow_aws.servicediscovery_service_info:
        namespace_id: "{{ ns.namespace.id }}"
      register: info
    - name: ECR token
      mlops.mlflow_aws.ecr_authorization_token_info:
      register: token
      no_log: true
    - name: Delete the namespace while it has a service
      mlops.mlflow_aws.servicediscovery_namespace:
        name: playbook.internal
        vpc_id: vpc-0123456789abcdef0
        state: absent
      register: refused
      failed_when: false
    - name: Delete the service, then the namespace
      mlops.mlflow_aws.servicediscovery_service:
        name: mlflow
        namespace_id: "{{ ns.namespace.id }}"
        state: absent
    - name: Namespace gone
      mlops.mlflow_aws.servicediscovery_namespace:
        name: playbook.internal
        vpc_id: vpc-0123456789abcdef0
        state: absent
      register: gone
    - name: Check
      ansible.builtin.assert:
        that:
          - ns is changed
          - ns_again is not changed
          - srv.service.arn is search(':service/srv-')
          - info.services | map(attribute='arn') | list == [srv.service.arn]
          - token.username == 'AWS' and token.password | length > 0
          - token.registry is search('[.]dkr[.]ecr[.]us-east-1[.]amazonaws[.]com$')
          - "'still has 1 service(s): mlflow' in refused.msg"
          - gone is changed
"""


@pytest.mark.playbook
def test_modules_in_a_playbook(emulator: launcher.Emulator, tmp_path: Path) -> None:
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAYBOOK)
    env = {
        **os.environ,
        **emulator.environment(),
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".collections"),
        "ANSIBLE_NOCOLOR": "1",
    }
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-playbook"),
            "-v",
            "-i",
            "localhost,",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            str(playbook),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "failed=0" in result.stdout
    assert MOTO_ECR_PASSWORD not in output  # no_log hides the registry password even with -v
    assert "the output has been hidden" in result.stdout
