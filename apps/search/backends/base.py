from typing import Protocol

from ..types import AutocompleteItem, SearchFilters, SearchResult


class SearchBackend(Protocol):
    name: str

    def search(
        self, *, query: str, filters: SearchFilters, sort: str, page: int, page_size: int, language: str
    ) -> SearchResult: ...

    def autocomplete(self, *, prefix: str, limit: int, language: str) -> tuple[AutocompleteItem, ...]: ...

    def entries_changed(self, *, product_ids: list[int], removed_ids: list[int]) -> None:
        """The entries of these products were just written or removed."""

    def rebuild(self) -> None:
        """Every entry was just rewritten: rebuild whatever index the backend keeps beside them."""
