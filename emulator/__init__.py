"""The project's AWS emulator: moto in server mode on loopback, wrapped by WSGI middleware.

The middleware sees every request (see ``request.AwsRequest``), logs it, and offers it to the
extensions of ``emulator.behaviours`` before moto: added APIs, AWS's dependency rules on deletes
and fault injection each live in one small extension module.

Strict by default: the ``strict_*`` extensions refuse, with AWS's error codes, the deletes AWS refuses
while dependents exist and moto allows (a subnet holding a NAT gateway, a security group still
referenced, a DB subnet group in use, ...; see ``emulator.strict``). Start the emulator with
``MLFLOW_EMULATOR_STRICT=0`` in its environment (``0``, ``false``, ``no`` or ``off``) to get moto's lax
behaviour; ``GET /__emulator/health`` lists the extensions in use. A running emulator is reused as it
is, so stop it before switching.
"""
