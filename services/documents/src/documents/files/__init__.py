"""Documents of a case: upload (staff, services, residents), listing, metadata, download."""
