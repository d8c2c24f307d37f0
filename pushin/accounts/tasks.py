"""E-mailing set-your-password links on the task queue (the follow-ups' mail path).

The worker makes the token when it sends, so no token is ever stored in the queue's
table; logs carry the account's id only. A failed send is logged and not retried: the
person asks again ("Forgot your password?") or the administrator sends another link.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task

from pushin.accounts.models import User
from pushin.accounts.passwords import LinkKind, password_link

logger = logging.getLogger(__name__)


def _hours(seconds: int) -> str:
    hours = seconds / 3600
    return "1 hour" if hours == 1 else f"{hours:g} hours"


def _message(user: User, kind: LinkKind, link: str) -> tuple[str, str]:
    valid = _hours(settings.PASSWORD_RESET_TIMEOUT)
    if kind == LinkKind.INVITE:
        return (
            "Your Push-In account",
            f"Hello {user.first_name or user.username},\n\n"
            f"An account was made for you on Push-In. Your username is {user.username}.\n"
            f"Choose your password here (the link works once, for {valid}):\n\n{link}\n\n"
            'If the link has expired, use "Forgot your password?" on the sign-in page.\n',
        )
    return (
        "Reset your Push-In password",
        f"Hello {user.first_name or user.username},\n\n"
        f"Someone asked to reset the password of the Push-In account {user.username}.\n"
        f"Choose a new password here (the link works once, for {valid}):\n\n{link}\n\n"
        "If you did not ask, ignore this e-mail: your password stays as it is.\n",
    )


@task()
def password_link_send(user_id: int, kind: str, base_url: str) -> str:
    """E-mail one account its set-your-password link. Returns what happened."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        logger.info("password link for account %s not sent: no active address", user_id)
        return "skipped"
    link_kind = LinkKind(kind)
    subject, body = _message(user, link_kind, password_link(user=user, base_url=base_url))
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"X-PushIn-Account": str(user.pk)},
    )
    try:
        message.send(fail_silently=False)
    except Exception as error:
        logger.warning("password link for account %s failed (%s)", user_id, type(error).__name__)
        return "failed"
    logger.info("password link (%s) e-mailed to account %s", link_kind, user_id)
    return "sent"
