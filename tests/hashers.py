"""Real argon2 at a test's cost: the production parameters take ~100 MB and tens of
milliseconds per hash, which the sign-in tests (dozens of attempts each) pay many times
over. The hashes still start with "argon2$" and verify through Django's own hasher."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024  # KiB
    parallelism = 1
