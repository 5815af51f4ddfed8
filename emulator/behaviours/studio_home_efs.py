"""What a Studio domain creates in its VPC, as SageMaker does: a home EFS, its mount targets, two NFS groups.

CreateDomain makes an EFS file system tagged ``ManagedByAmazonSageMakerResource`` with the domain's ARN,
one mount target (a real network interface) in each of the domain's subnets, and the security groups
``security-group-for-inbound-nfs-<domain id>`` and ``security-group-for-outbound-nfs-<domain id>``, each
referencing the other on port 2049. DeleteDomain with ``HomeEfsFileSystem=Delete`` deletes the file system
and its mount targets; with ``Retain`` (the default) both stay. The two groups stay in every case: on AWS
whoever deletes the VPC must delete them (and, on Retain, the mount targets) first.
"""

from __future__ import annotations

from typing import Any

MANAGED_BY = "ManagedByAmazonSageMakerResource"
NFS_PORT = "2049"
DESCRIPTION = "[DO NOT DELETE] Security Group that allows {way} NFS traffic for SageMaker Notebooks Domain [{domain}]"


def nfs_group_names(domain_id: str) -> tuple[str, str]:
    return f"security-group-for-inbound-nfs-{domain_id}", f"security-group-for-outbound-nfs-{domain_id}"


def create_home(account: str, region: str, domain: Any) -> None:
    """The domain's home EFS in its subnets; sets the domain's HomeEfsFileSystemId."""
    from moto.backends import get_backend

    efs = get_backend("efs")[account][region]
    ec2 = get_backend("ec2")[account][region]
    subnets = {subnet.id: subnet for subnet in ec2.describe_subnets(filters={"vpc-id": [domain.vpc_id or ""]})}
    if not subnets or any(subnet_id not in subnets for subnet_id in domain.subnet_ids or []):
        return  # made-up network ids (the extension's own tests): nothing to put a file system in
    home = efs.create_file_system(
        creation_token=f"{domain.id}-home",
        performance_mode="generalPurpose",
        encrypted=True,
        kms_key_id=None,
        throughput_mode="bursting",
        provisioned_throughput_in_mibps=None,
        availability_zone_name=None,
        backup=None,
        tags=[{"Key": MANAGED_BY, "Value": domain.arn}],
    )
    domain.home_efs_file_system_id = home.file_system_id
    inbound = _nfs_groups(ec2, domain)
    for subnet_id in domain.subnet_ids or []:
        efs.create_mount_target(home.file_system_id, subnet_id, security_groups=[inbound.id])


def _nfs_groups(ec2: Any, domain: Any) -> Any:
    """The two groups, referencing each other; the inbound one (the mount targets') is returned."""
    tags = {MANAGED_BY: domain.arn}
    inbound, outbound = (
        ec2.create_security_group(
            name,
            DESCRIPTION.format(way=way, domain=domain.id),
            domain.vpc_id,
            tags,
        )
        for name, way in zip(nfs_group_names(domain.id), ("inbound", "outbound"), strict=True)
    )
    ec2.authorize_security_group_ingress(
        inbound.id, "tcp", NFS_PORT, NFS_PORT, [], source_groups=[{"GroupId": outbound.id}], vpc_id=domain.vpc_id
    )
    ec2.authorize_security_group_egress(
        outbound.id, "tcp", NFS_PORT, NFS_PORT, [], source_groups=[{"GroupId": inbound.id}], vpc_id=domain.vpc_id
    )
    return inbound


def delete_home(account: str, region: str, file_system_id: str, retention: str) -> None:
    """On Delete the file system and its mount targets go; on Retain everything stays."""
    from moto.backends import get_backend

    efs = get_backend("efs")[account][region]
    if retention != "Delete" or file_system_id not in efs.file_systems_by_id:
        return
    for target in list(efs.file_systems_by_id[file_system_id].iter_mount_targets()):
        efs.delete_mount_target(target.mount_target_id)
    efs.delete_file_system(file_system_id)
