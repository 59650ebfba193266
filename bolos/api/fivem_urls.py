from django.urls import path

from .views import FivemBoloCreateView

urlpatterns = [path("bolos", FivemBoloCreateView.as_view(), name="fivem-bolos")]
