# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from coopforma.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.EndpointListView.as_view(), name="endpoint_list"),
    path("new/", views.EndpointCreateView.as_view(), name="endpoint_create"),
    path("<int:pk>/", views.EndpointDetailView.as_view(), name="endpoint_detail"),
    path("<int:pk>/edit/", views.EndpointUpdateView.as_view(), name="endpoint_update"),
    path("<int:pk>/secret/", views.EndpointRotateView.as_view(), name="endpoint_rotate"),
    path("deliveries/<int:pk>/", views.DeliveryDetailView.as_view(), name="delivery_detail"),
    path("deliveries/<int:pk>/replay/", views.DeliveryReplayView.as_view(), name="delivery_replay"),
]
