# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges' pages, one module per part (each with its `urls`, gathered by exchanges/urls.py)."""
