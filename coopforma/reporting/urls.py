# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from coopforma.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.BpfView.as_view(), name="bpf"),
    path("members/", views.MemberListView.as_view(), name="members"),
    path("<int:year>/bpf.<str:fmt>", views.BpfExportView.as_view(), name="export"),
    path("<int:year>/charges/", views.BpfChargesView.as_view(), name="charges"),
    path("<int:year>/lines/<str:code>/", views.BpfLineView.as_view(), name="line"),
    path("<int:year>/members/<int:member_id>/", views.MemberReportView.as_view(), name="member"),
    path("<int:year>/members/<int:member_id>/report.<str:fmt>", views.MemberReportView.as_view(), name="member_export"),
    path("<int:year>/members/<int:member_id>/lines/<str:code>/", views.BpfLineView.as_view(), name="member_line"),
]
