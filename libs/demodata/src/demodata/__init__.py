"""Made-up but realistic GezondVerzekerd applications: valid BSNs, Dutch names and addresses."""

from demodata.applications import ApplicationFactory, valid_bsn

__all__ = ["ApplicationFactory", "valid_bsn"]
