from django.urls import path

from . import views

urlpatterns = [
    path("exits/", views.assessment_list, name="assessment-list"),
    path("exits/planned/", views.planned, name="exit-planned"),
    path("exits/start/", views.assessment_start, name="assessment-start"),
    path("exits/notice/", views.notice_new, name="exit-notice-new"),
    path("exits/incidence/", views.incidence, name="exit-incidence"),
    path("exits/chains/", views.chains, name="exit-chains"),
    path("exits/evidence/<int:pk>/", views.evidence, name="exit-evidence"),
    path("exits/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("exits/<int:pk>/sheet/", views.sign_off_sheet, name="assessment-sheet"),
    path("exits/<int:pk>/items/<int:item_pk>/", views.item_enter, name="assessment-item"),
    path("exits/<int:pk>/<str:act>/", views.assessment_act, name="assessment-act"),
]
