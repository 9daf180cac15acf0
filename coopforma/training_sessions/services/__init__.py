# SPDX-License-Identifier: AGPL-3.0-or-later
"""Temporary: the module moves into a package by sub-noun (next commit)."""

from coopforma.training_sessions.services.sessions import *  # noqa: F403
from coopforma.training_sessions.services.sessions import TRANSITIONS, default_bpf_type, local_datetime  # noqa: F401
