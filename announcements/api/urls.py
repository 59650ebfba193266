from rest_framework.routers import SimpleRouter

from .views import AnnouncementViewSet

router = SimpleRouter(trailing_slash=False)
router.register("announcements", AnnouncementViewSet, basename="announcement")

urlpatterns = router.urls
