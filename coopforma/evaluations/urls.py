# SPDX-License-Identifier: AGPL-3.0-or-later
"""Staff evaluation pages under /o/<org>/evaluations/ (namespace `evaluations`)."""

from django.urls import path

from coopforma.evaluations import views

app_name = "evaluations"
urlpatterns = [
    path("", views.ResultsView.as_view(), name="results"),
    path("results.csv", views.ResultsCsvView.as_view(), name="results_csv"),
    path("questionnaires/", views.QuestionnaireListView.as_view(), name="questionnaires"),
    path("questionnaires/<int:questionnaire_id>/", views.QuestionnaireView.as_view(), name="questionnaire"),
    path("questions/<int:question_id>/", views.QuestionEditView.as_view(), name="question_edit"),
    path("questions/<int:question_id>/action/", views.QuestionActionView.as_view(), name="question_action"),
    path("sessions/<int:session_id>/", views.SessionSurveysView.as_view(), name="session_surveys"),
    path("surveys/<int:survey_id>/", views.SurveyView.as_view(), name="survey"),
    path(
        "surveys/<int:survey_id>/invitations/<int:invitation_id>/link/",
        views.InvitationLinkView.as_view(),
        name="invitation_link",
    ),
    path("acquis/", views.AssessListView.as_view(), name="assess_list"),
    path("acquis/<int:invitation_id>/", views.AssessView.as_view(), name="assess"),
    path("indicators/", views.IndicatorListView.as_view(), name="indicators"),
    path("indicators/<int:indicator_id>/", views.IndicatorEditView.as_view(), name="indicator_edit"),
]
