from django.urls import path

from carecoop.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("vote/", views.vote, name="vote"),
    path("eligibility/", views.eligibility, name="eligibility"),
    path("eligibility/rule/", views.class_rule, name="class_rule"),
    path("bodies/new/", views.body_create, name="body_create"),
    path("bodies/<int:pk>/", views.body_detail, name="body"),
    path("bodies/<int:pk>/edit/", views.body_edit, name="body_edit"),
    path("bodies/<int:pk>/seats/", views.body_seats, name="body_seats"),
    path("bodies/<int:pk>/terms/new/", views.term_create, name="term_create"),
    path("terms/<int:pk>/end/", views.term_end, name="term_end"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/new/", views.decision_create, name="decision_create"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/agenda/", views.meeting_agenda, name="meeting_agenda"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path(
        "meetings/<int:pk>/attendance/present/",
        views.meeting_present_many,
        name="meeting_present_many",
    ),
    path("meetings/<int:pk>/register/", views.meeting_register, name="meeting_register"),
    path("meetings/<int:pk>/open/", views.meeting_open, name="meeting_open"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="minutes"),
    path("meetings/<int:pk>/motions/new/", views.motion_create, name="motion_create"),
    path("meetings/<int:pk>/elections/new/", views.election_create, name="election_create"),
    path("questions/<int:pk>/", views.question_detail, name="question"),
    path("questions/<int:pk>/candidates/", views.candidate_add, name="candidate_add"),
    path("questions/<int:pk>/open/", views.question_open, name="question_open"),
    path("questions/<int:pk>/close/", views.question_close, name="question_close"),
    path("questions/<int:pk>/codes/", views.question_codes, name="question_codes"),
    path("questions/<int:pk>/counts/", views.question_counts, name="question_counts"),
]
