# SPDX-License-Identifier: AGPL-3.0-or-later
"""The fixtures of coopforma.api.tests.support, for the API's tests."""

from coopforma.api.tests.support import records, through_wsgi

__all__ = ["records", "through_wsgi"]
