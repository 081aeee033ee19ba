from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.api.views import TokenView

admin.site.site_header = "建档立卡管理系统"
admin.site.site_title = "建档立卡管理系统"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("registry.api.urls")),
    path("api/", include("identification.api.urls")),
    path("api/", include("verification.api.urls")),
    path("", include("core.urls")),
    path("", include("registry.urls")),
    path("", include("identification.urls")),
    path("", include("verification.urls")),
]

handler404 = "core.api.views.not_found"
