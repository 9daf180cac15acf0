# SPDX-License-Identifier: AGPL-3.0-or-later
"""The `coopforma` console command: Django's manage.py with this project's settings.

coopforma serve [--port 8000]   the web server (gunicorn, several workers) with static files, the task
                                worker (e-mails…) and cron; --no-worker serves the web only
coopforma demo                  load the demo cooperative (idempotent) and print the logins
coopforma createadmin           create an organisation administrator
coopforma backup --out FILE     database, media files and a SHA-256 manifest in one archive
coopforma restore FILE          an archive of `coopforma backup` into an empty installation (--force otherwise)
coopforma <anything else>       any Django command (migrate, shell, dbshell…)
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] in {"-h", "--help", "help"} and len(args) == 1):
        print(__doc__)
        args = args if args else ["help"]
    execute_from_command_line(["coopforma", *args])


if __name__ == "__main__":
    main()
