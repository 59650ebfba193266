from rest_framework.routers import SimpleRouter

from .views import BoloViewSet

router = SimpleRouter(trailing_slash=False)
router.register("bolos", BoloViewSet, basename="bolo")

urlpatterns = router.urls
