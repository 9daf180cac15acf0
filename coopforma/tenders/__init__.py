# SPDX-License-Identifier: AGPL-3.0-or-later
"""Calls for tenders answered together: BOAMP notices, watch profiles and digests, groupements, response kits."""
