"""Sending one message to one channel: e-mail over SMTP with TLS, or a group robot's webhook (企业微信, 钉钉, 飞书),
each with the JSON its robot expects (hand-built: three small documents, no library between us and the errors).
``send`` raises ``DeliveryError`` saying why a channel did not take the message."""

from __future__ import annotations

import base64
import hashlib
import hmac
import smtplib
import ssl
import time
import urllib.parse
from email.message import EmailMessage

import requests

from server.alerts.schemas import Channel
from server.core.config import ServerSettings

TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    pass


def send(settings: ServerSettings, channel: Channel, subject: str, body: str) -> None:
    if channel.kind == "email":
        _email(settings, channel.target, subject, body)
    else:
        _webhook(channel, f"{subject}\n{body}")


def _tls_context(settings: ServerSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.smtp_ca_file is not None:
        context.load_verify_locations(cafile=str(settings.smtp_ca_file))
    return context


def _email(settings: ServerSettings, to: str, subject: str, body: str) -> None:
    if not settings.smtp_host:
        raise DeliveryError("no SMTP server configured (SMTP_HOST)")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.smtp_sender, to, subject
    message.set_content(body)
    try:
        if settings.smtp_security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS,
                                                    context=_tls_context(settings))
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
        with client:
            if settings.smtp_security == "starttls":
                client.starttls(context=_tls_context(settings))
            if settings.smtp_username:
                client.login(settings.smtp_username, settings.smtp_password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None


def _signed_url(channel: Channel) -> str:
    """钉钉's "加签": the timestamp and an HMAC-SHA256 of it, in the URL."""
    if channel.kind != "dingtalk" or not channel.secret:
        return channel.target
    timestamp = str(round(time.time() * 1000))
    digest = hmac.new(channel.secret.encode(), f"{timestamp}\n{channel.secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{channel.target}{'&' if '?' in channel.target else '?'}timestamp={timestamp}&sign={sign}"


def _document(channel: Channel, text: str) -> dict:
    if channel.kind == "feishu":
        document: dict = {"msg_type": "text", "content": {"text": text}}
        if channel.secret:  # 飞书's "签名校验": the key is timestamp + secret, the message empty
            timestamp = str(int(time.time()))
            digest = hmac.new(f"{timestamp}\n{channel.secret}".encode(), b"", hashlib.sha256).digest()
            document.update(timestamp=timestamp, sign=base64.b64encode(digest).decode())
        return document
    return {"msgtype": "text", "text": {"content": text}}  # 企业微信 and 钉钉 read the same shape


def _webhook(channel: Channel, text: str) -> None:
    try:
        reply = requests.post(_signed_url(channel), json=_document(channel, text), timeout=TIMEOUT_SECONDS)
    except requests.Timeout:
        raise DeliveryError(f"no answer within {TIMEOUT_SECONDS} s") from None
    except requests.ConnectionError:
        # Not the exception's text: it repeats the URL, whose query is the robot's key.
        raise DeliveryError("cannot connect (name lookup, network or TLS)") from None
    except requests.RequestException as exc:
        raise DeliveryError(f"{type(exc).__name__}") from None
    if reply.status_code >= 300:
        raise DeliveryError(f"HTTP {reply.status_code}")
    try:
        answer = reply.json()
    except ValueError:
        raise DeliveryError("the answer is not JSON") from None
    # 企业微信 and 钉钉 answer {"errcode": 0}, 飞书 {"code": 0} (older robots {"StatusCode": 0}).
    code = next((answer[key] for key in ("errcode", "code", "StatusCode") if key in answer), None) \
        if isinstance(answer, dict) else None
    if code != 0:
        raise DeliveryError(f"the robot refused: {str(answer)[:300]}")
