"""How passwords are stored: Argon2id with the first of OWASP's recommended settings.

Django's own Argon2 defaults (100 MiB, 8 lanes) cost 200-350 ms of CPU a login here and its
PBKDF2 default (1,500,000 iterations) 550 ms: two logins a second would take a whole core of a
2-core server. Argon2id with 46 MiB, one pass and one lane costs about 60 ms and, being
memory-hard, resists GPU guessing better than any PBKDF2 iteration count (docs/decisions.md).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id, m=47104 KiB (46 MiB), t=1, p=1 (OWASP Password Storage Cheat Sheet).

    The settings are stored in each hash: a hash made with other settings (or by PBKDF2) is
    verified as it is and re-made with these at the user's next login.
    """

    time_cost = 1
    memory_cost = 47104
    parallelism = 1
