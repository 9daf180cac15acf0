# SPDX-License-Identifier: AGPL-3.0-or-later
"""Towards official recognition: a network's certification projects (RNCP / Répertoire spécifique) built from a
référentiel version, with the evidence of need gathered from the map and the tenders."""
