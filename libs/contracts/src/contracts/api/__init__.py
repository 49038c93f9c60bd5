"""The HTTP models of the services' internal APIs, shared with the gateway's public API.

ONE source per model: a service's routes take and answer these (its `schemas.py` re-exports
them), and the gateway's public routes document (and validate) the same models, so a field,
an enum or a constraint is written once. A new service gets a module here
(`contracts.api.documents`, ...) for the bodies and answers its routes and the gateway share.

- `common`: the error shapes (`Problem` for refusals, `ValidationProblems` for FastAPI's
  validation errors) and `errors(...)`, the `responses=` of a route, documented as answered.
- `cases`, `intake`: per service.

Request bodies forbid unknown fields (`extra="forbid"`); answers may gain fields (additive
changes within a version), so clients should ignore what they do not know.
"""
