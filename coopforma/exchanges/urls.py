# SPDX-License-Identifier: AGPL-3.0-or-later
"""Under /reseaux/<network>/echanges/ (config/urls.py): the exchanges of know-how of a network."""

from coopforma.exchanges.views import bridge, exchanges, listings, mails, matching, public

app_name = "exchanges"
urlpatterns = [*listings.urls, *matching.urls, *exchanges.urls, *bridge.urls, *public.urls, *mails.urls]
