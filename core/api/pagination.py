from rest_framework.pagination import PageNumberPagination


class BoundedPageNumberPagination(PageNumberPagination):
    """Page numbers with a capped page size: a client cannot ask for a province in one page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
