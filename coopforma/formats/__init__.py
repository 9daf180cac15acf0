# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pure readers and writers of outside formats: typed records in and out, no models (the domain apps map them)."""
