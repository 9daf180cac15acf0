# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchanges of know-how in the API: from an exchange to a training action of the network's OF."""

from ninja import Router

router = Router(tags=["exchanges"])
