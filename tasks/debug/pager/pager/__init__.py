from pager.paginator import Page, Paginator

__all__ = ["Page", "Paginator"]
