from cad.core.api.routers import Router

from .views import BoloViewSet

router = Router()
router.register("bolos", BoloViewSet, basename="bolo")

urlpatterns = router.urls
