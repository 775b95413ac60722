"""Password storage under the production hashers (config/passwords.py), through the login form."""

import importlib

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher

from tests.conftest import PASSWORD, log_in

# The tests run with a fast hasher (config/settings_test.py); these are the production ones.
PRODUCTION_HASHERS = importlib.import_module("config.settings").PASSWORD_HASHERS
ARGON2ID = "argon2$argon2id$v=19$m=47104,t=1,p=1$"


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


def test_new_passwords_are_stored_as_argon2id(production_hashers, secretary_a):
    secretary_a.set_password(PASSWORD)
    secretary_a.save()
    assert secretary_a.password.startswith(ARGON2ID)
    assert get_hasher().algorithm == "argon2"


def test_an_older_pbkdf2_hash_still_logs_in_and_is_upgraded(production_hashers, client, secretary_a):
    old = PBKDF2PasswordHasher().encode(PASSWORD, "muoi-tam-ky-tu", iterations=1000)
    secretary_a.password = old
    secretary_a.save()

    assert log_in(client, "bithu_a")
    secretary_a.refresh_from_db()
    assert secretary_a.password.startswith(ARGON2ID)
    assert log_in(client, "bithu_a")  # and the new hash logs in
    assert not log_in(client, "bithu_a", "mat-khau-sai-hoan-toan")
