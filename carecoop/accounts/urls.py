from django.urls import path

from carecoop.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/", views.account, name="account"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/password/changed/", views.password_changed, name="password_changed"),
    path("accounts/reset/<str:token>/", views.reset, name="reset"),
    path("accounts/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/code/", views.second_step, name="second_step"),
    path("accounts/two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("accounts/two-factor/remove/", views.two_factor_remove, name="two_factor_remove"),
    path("accounts/sessions/end/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("c/<slug:coop>/accounts/reset-links/", views.reset_link_issue, name="reset_link_issue"),
    path("c/<slug:coop>/accounts/pick/", views.pick, name="pick"),
    path("c/<slug:coop>/accounts/sign-in-rules/", views.sign_in_rules, name="sign_in_rules"),
]
