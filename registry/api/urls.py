from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("areas", views.AreaViewSet, basename="area")
router.register("poverty-lines", views.PovertyLineViewSet, basename="povertyline")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("members", views.MemberViewSet, basename="member")
router.register("incomes", views.IncomeViewSet, basename="income")

urlpatterns = router.urls
