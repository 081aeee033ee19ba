from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("households/", views.household_list, name="household-list"),
    path("households/export.xlsx", views.household_export, name="household-export"),
    path("households/new/", views.household_create, name="household-create"),
    path("households/import/template.xlsx", views.ledger_template, name="ledger-template"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household-edit"),
    path("households/<int:pk>/card/", views.household_card, name="household-card"),
    path("households/<int:pk>/history/", views.household_history, name="household-history"),
    path(
        "households/<int:pk>/change-head/",
        views.household_change_head,
        name="household-change-head",
    ),
    path("households/<int:pk>/incomes/new/", views.income_edit, name="income-create"),
    path("households/<int:pk>/incomes/<int:year>/", views.income_edit, name="income-edit"),
    path("households/<int:pk>/incomes/preview/", views.income_preview, name="income-preview"),
    path("members/<int:pk>/leave/", views.member_leave, name="member-leave"),
    path("members/check-id/", views.member_check_id, name="member-check-id"),
]
