# SPDX-License-Identifier: AGPL-3.0-or-later
from django.db import models  # noqa: F401
