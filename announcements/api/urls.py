from cad.core.api.routers import Router

from .views import AnnouncementViewSet

router = Router()
router.register("announcements", AnnouncementViewSet, basename="announcement")

urlpatterns = router.urls
