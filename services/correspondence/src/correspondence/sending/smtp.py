"""Sending e-mail over SMTP (aiosmtplib) with the configured TLS; one kept connection per worker.

Failures are classified: a 5xx refusal of the recipient is permanent (a bounce, parked at
once); a 4xx answer, a lost or refused connection, or a timeout is temporary (retried later).
"""

from __future__ import annotations

import ssl
from email.utils import parseaddr

import aiosmtplib

from correspondence.settings import CorrespondenceSettings


class SmtpFailure(Exception):  # noqa: N818 - a failure we classify, not a bug
    def __init__(self, reason: str, *, permanent: bool, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.code = code


def _tls_context(settings: CorrespondenceSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(
        cafile=str(settings.smtp_ca_file) if settings.smtp_ca_file else None
    )
    if not settings.smtp_validate_certs:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class Mailer:
    def __init__(self, settings: CorrespondenceSettings) -> None:
        self._settings = settings
        self._client: aiosmtplib.SMTP | None = None
        self.envelope_sender = parseaddr(settings.mail_from)[1]

    def _new_client(self) -> aiosmtplib.SMTP:
        s = self._settings
        tls = s.smtp_tls != "none"
        return aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            use_tls=s.smtp_tls == "tls",
            start_tls=s.smtp_tls == "starttls",
            tls_context=_tls_context(s) if tls else None,
            validate_certs=s.smtp_validate_certs,
            timeout=s.smtp_timeout_seconds,
            local_hostname=s.smtp_local_hostname,
            username=s.smtp_username,
            password=s.smtp_password,
        )

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is None or not self._client.is_connected:
            client = self._new_client()
            await client.connect()
            self._client = client
        return self._client

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                client.close()

    async def send(self, message: bytes, *, recipient: str) -> None:
        """Hand the message (as `rendering.email.build` wrote it) to the SMTP server;
        `SmtpFailure` says whether retrying may help."""
        try:
            client = await self._connected()
            errors, _ = await client.sendmail(self.envelope_sender, [recipient], message)
        except aiosmtplib.SMTPRecipientsRefused as error:
            refused = error.recipients[0] if error.recipients else None
            code = refused.code if refused is not None else 550
            text = refused.message if refused is not None else str(error)
            raise SmtpFailure(
                f"het e-mailadres werd geweigerd ({code} {text})"[:400],
                permanent=code >= 500,
                code=code,
            ) from None
        except aiosmtplib.SMTPResponseException as error:
            await self.close()
            raise SmtpFailure(
                f"de mailserver weigerde het bericht ({error.code} {error.message})"[:400],
                permanent=error.code >= 500,
                code=error.code,
            ) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            await self.close()
            raise SmtpFailure(
                f"de mailserver is niet bereikbaar ({type(error).__name__})", permanent=False
            ) from None
        if errors:
            code, text = next(iter(errors.values()))
            raise SmtpFailure(
                f"het e-mailadres werd geweigerd ({code} {text})"[:400],
                permanent=code >= 500,
                code=code,
            )
