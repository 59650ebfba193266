from cad.core.api.routers import Router

from . import views

router = Router()
router.register("reports", views.ReportViewSet, basename="report")
router.register("arrests", views.ArrestViewSet, basename="arrest")
router.register("citations", views.CitationViewSet, basename="citation")
router.register("warrants", views.WarrantViewSet, basename="warrant")
router.register("suspects", views.SuspectViewSet, basename="suspect")

urlpatterns = router.urls
