"""The project's AWS emulator: moto in server mode on loopback, wrapped by WSGI middleware.

The middleware sees every request (see ``request.AwsRequest``), logs it, and offers it to the
extensions of ``emulator.extensions`` before moto: added APIs, AWS's dependency rules on deletes
and fault injection each live in one small extension module.
"""
