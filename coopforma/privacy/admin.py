# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib import admin

from coopforma.privacy.models import Erasure, RetentionPeriod

admin.site.register(RetentionPeriod)
admin.site.register(Erasure)
