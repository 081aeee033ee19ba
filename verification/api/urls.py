from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("exit-standards", views.ExitStandardViewSet, basename="exit-standard")
router.register("exit-assessments", views.AssessmentViewSet, basename="exit-assessment")
router.register("exits", views.ExitReadsViewSet, basename="exit")

urlpatterns = router.urls
