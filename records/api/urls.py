from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=False)
router.register("reports", views.ReportViewSet, basename="report")
router.register("arrests", views.ArrestViewSet, basename="arrest")
router.register("citations", views.CitationViewSet, basename="citation")
router.register("warrants", views.WarrantViewSet, basename="warrant")
router.register("suspects", views.SuspectViewSet, basename="suspect")

urlpatterns = router.urls
