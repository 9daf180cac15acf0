# SPDX-License-Identifier: AGPL-3.0-or-later
"""Staff pages of the documents, under /o/<org>/documents/ (namespace `documents`)."""

from coopforma.documents import doc_urls, signing_urls, template_urls

app_name = "documents"
urlpatterns = [*doc_urls.urlpatterns, *template_urls.urlpatterns, *signing_urls.urlpatterns]
