"""One TLS context for every outgoing HTTP client of a process."""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def client_tls_context() -> ssl.SSLContext:
    """What httpx verifies against by default (certifi's CAs), loaded once per process.

    httpx loads the CA bundle again for every client it makes (about 20 ms each); a gateway
    makes one client per service, and the tests start apps hundreds of times. A context may
    be shared: it is only read once it is made.
    """
    return httpx.create_ssl_context(trust_env=False)
