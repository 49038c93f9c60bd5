"""Licences: which features each customer municipality has (DOMAIN.md, "Licences").

The gateway owns them: an operator sets them (`backoffice-admin org set-licence`, the screen
Organisaties, the public API), each change is in the security audit and goes out as
`LicenceChanged` through the outbox, so every service enforces it from its own copy. Screens
ask `features_of` / `unavailable_of` to show what the licence does not include as
"niet beschikbaar", never as an error page.
"""
