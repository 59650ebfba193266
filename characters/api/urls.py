"""/api/* routes of the characters app (no trailing slash, as in the seeds)."""

from cad.core.api.routers import Router

from . import views

router = Router()
router.register("characters", views.CharacterViewSet, basename="character")
router.register("vehicles", views.VehicleViewSet, basename="vehicle")
router.register("licenses", views.LicenseViewSet, basename="license")
router.register("weapons", views.WeaponViewSet, basename="weapon")
router.register("weapon-license-applications", views.WeaponLicenseApplicationViewSet,
                basename="weapon-license-application")

urlpatterns = router.urls
