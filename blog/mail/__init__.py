"""Sending mail: SMTP through aiosmtplib, or .eml files in the data folder's outbox when no
SMTP server is configured. Sending is one call, `await send_mail(request, to, subject, text)`;
delivery happens in the background and is retried, so no page waits for a mail server."""
