"""How passwords are stored: Argon2id with the first of OWASP's recommended settings.

Django's defaults (PBKDF2, or Argon2 with 100 MiB and 8 lanes) cost so much CPU a login that two
logins a second would take a whole core of a 2-core server; this setting costs a fraction of that
and, being memory-hard, resists GPU guessing better than any PBKDF2 iteration count. The figures
are in docs/decisions.md.
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
