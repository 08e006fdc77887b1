"""Text sealed at rest: HubSpot's tokens are encrypted in the database, plain strings in Python."""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _current_fernet() -> MultiFernet:
    # Looked up per call, not at import, so a changed setting (rotation in tests) takes effect.
    return _fernet(tuple(settings.TOKEN_ENCRYPTION_KEYS))


def seal(text: str) -> str:
    """`text` encrypted and authenticated with the first of TOKEN_ENCRYPTION_KEYS."""
    return _current_fernet().encrypt(text.encode()).decode()


def unseal(sealed: str) -> str:
    """The text `seal` sealed, with whichever of TOKEN_ENCRYPTION_KEYS sealed it."""
    try:
        return _current_fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored HubSpot token cannot be decrypted with TOKEN_ENCRYPTION_KEYS: add back the key it was "
            "encrypted with (run `manage.py reencrypt_tokens` before dropping a key)."
        ) from None


class SealedTextField(models.TextField):
    """A TextField stored encrypted (Fernet, keys from TOKEN_ENCRYPTION_KEYS) and read back as plain text.

    The empty string stays empty in the database, so clearing with `.update(token="")` and
    checking for "no token" work as on a TextField. Encryption is randomised: the same text
    never gives the same stored value, so filtering on the field's value cannot match.
    """

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return seal(value) if value else value

    def from_db_value(self, value, expression, connection):
        return unseal(value) if value else value
