"""MLflow's authorization function for this stack: a password, or an IAM identity verified by API Gateway.

Requests on the HTTP API's ``AWS_IAM`` routes reach MLflow with the caller's verified IAM ARN in
``X-Mlflow-Iam-Principal``: API Gateway overwrites that header on those routes and removes it on every
other route, and nothing but API Gateway's VPC link can reach the ALB (its security group), so the
header cannot be forged from outside. An IAM principal becomes the MLflow user named by its ARN (an
assumed role by its role's ARN, whatever the session), created on first use with the default
permission and a random password nobody knows; an admin grants it more like any other user.

Every other request is MLflow's own basic authentication.
"""

from __future__ import annotations

import re
import secrets

from flask import Response, make_response, request
from werkzeug.datastructures import Authorization

IDENTITY_HEADER = "X-Mlflow-Iam-Principal"
_ASSUMED_ROLE = re.compile(r"arn:(?P<partition>aws[a-z-]*):sts::(?P<account>\d{12}):assumed-role/(?P<role>[^/]+)/[^/]+")
_IAM_USER_OR_ROLE = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:(user|role)/[\w+=,.@/-]+")


def username_for(principal_arn: str) -> str | None:
    """The MLflow user name of a verified IAM principal; None for the root user and federated callers."""
    assumed = _ASSUMED_ROLE.fullmatch(principal_arn)
    if assumed:
        return f"arn:{assumed['partition']}:iam::{assumed['account']}:role/{assumed['role']}"
    if _IAM_USER_OR_ROLE.fullmatch(principal_arn):
        return principal_arn
    return None


def authenticate_request() -> Authorization | Response:
    """The ``authorization_function`` of the auth configuration (see entrypoint.py)."""
    from mlflow.server import auth

    principal = request.headers.get(IDENTITY_HEADER)
    if not principal:
        credentials = request.authorization
        # Any other scheme (a SigV4 signature sent to the password routes): MLflow's cached check would
        # fail on the missing password with a 500; the answer is the basic-auth challenge.
        if credentials is not None and (
            credentials.type != "basic" or None in (credentials.username, credentials.password)
        ):
            return auth.make_basic_auth_response()
        return auth.authenticate_request_basic_auth()
    username = username_for(principal.strip())
    if username is None:
        return make_response(f"IAM principal {principal} cannot use MLflow; sign with an IAM user or role.", 403)
    _ensure_user(auth.store, username)
    return Authorization("basic", {"username": username})


def _ensure_user(store: object, username: str) -> None:
    if store.has_user(username):  # type: ignore[attr-defined]
        return
    try:
        store.create_user(username, secrets.token_urlsafe(32))  # type: ignore[attr-defined]
    except Exception:
        # Another worker or task created it between the check and here.
        if not store.has_user(username, use_primary=True):  # type: ignore[attr-defined]
            raise
