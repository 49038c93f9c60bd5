"""The resident's upload portal (`/inwoner/...`, public, behind the gateway)."""
