from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

from .errors import is_nul_error


class BadCharactersMiddleware:
    """A page asked for with a NUL character (in its URL, a filter or a form's choice) gets a
    400 with a plain message, not a 500. The API's own handler says the same in JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_nul_error(exception):
            return HttpResponseBadRequest(_("请求中含有不允许的字符（NUL）。"))
        return None
