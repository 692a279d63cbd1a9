from django.urls import path

from carecoop.billing import views
from carecoop.core.exports import file_paths

app_name = "billing"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("run/", views.run, name="run"),
    path("fees/", views.fee_list, name="fees"),
    path("fees/new/", views.fee_schedule_new, name="fee_new"),
    path("fees/categories/new/", views.fee_category_new, name="category_new"),
    path("mine/", views.mine, name="mine"),
    path("invoices/", views.invoice_list, name="invoices"),
    *file_paths("invoices", views.invoice_export, "invoices"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:pk>/pay/", views.invoice_pay, name="invoice_pay"),
    path("payments/new/", views.payment_new, name="payment_new"),
    path("payments/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="payment_reverse"),
    path("statements/", views.statement_list, name="statements"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("statements/<int:pk>/record/", views.statement_record, name="statement_record"),
    path("statements/lines/<int:pk>/match/", views.statement_line_match, name="line_match"),
    path("providers/", views.providers, name="providers"),
    path("providers/<int:pk>/secret/", views.provider_secret, name="provider_secret"),
    path("arrears/", views.arrears, name="arrears"),
    *file_paths("arrears", views.arrears_export, "arrears"),
    *file_paths("payments", views.payment_export, "payments"),
    path("arrears/remind/", views.remind, name="remind"),
    path("waivers/", views.waivers, name="waivers"),
    path("waivers/new/", views.waiver_new, name="waiver_new"),
    path("waivers/apply/", views.waivers_apply, name="waivers_apply"),
    path("waivers/criteria/new/", views.criterion_new, name="criterion_new"),
    path("waivers/fund/", views.fund_contribute, name="fund_contribute"),
    path("waivers/<int:pk>/decide/", views.waiver_decide, name="waiver_decide"),
]
