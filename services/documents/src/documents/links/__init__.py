"""Upload links: a resident's personal, expiring link per case and purpose."""
