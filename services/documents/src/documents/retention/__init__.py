"""Retention: documents of closed cases removed after the municipality's period, unless the
case is under a legal hold."""
