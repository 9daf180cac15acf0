# SPDX-License-Identifier: AGPL-3.0-or-later
"""Exchanges of know-how between the people and structures of a network (issue 18): offers and requests,
matching and facilitation, exchanges with their debriefs and capitalisation, learning expeditions and
compagnonnage, and the bridge from an exchange to a training action of the network's OF."""
