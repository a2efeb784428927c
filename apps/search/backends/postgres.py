"""PostgreSQL full-text search over `SearchEntry.search_vector` (GIN-indexed, weights A-D),
ranked by ts_rank, with pg_trgm for typos (nearest words of the vocabulary, GIN trigram index)
and Chinese matched through the bigrams stored in the vector.

The tsquery is built here from tokens that hold only letters and digits (see `text.tokenize`),
each quoted as a lexeme, so user input never becomes tsquery syntax; PostgreSQL stems them
with the same `english` configuration the vector was built with.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Expression, F, Func, QuerySet, TextField, Value

from apps.catalog.types import CategoryTree

from ..models import SearchEntry
from ..text import TermGroup, cjk_bigrams, is_cjk
from .database import CORRECTIONS_PER_WORD, HIT_FIELDS, DatabaseBackend, FacetGroups, closest

SEARCH_CONFIG = "english"
TYPO_SIMILARITY = 0.3
GROUP_COLUMNS = ("category_id", "brand_slug", "price_band", "attribute_keys")
# GROUPING(a, b, c, d) sets the bit of every column a row is *not* grouped by (a is the highest):
# the row of the set (brand_slug) reads 0b1011.
GROUPED_BY = {
    column: (1 << len(GROUP_COLUMNS)) - 1 - (1 << (len(GROUP_COLUMNS) - 1 - index))
    for index, column in enumerate(GROUP_COLUMNS)
}
PAGE_ROW = -1


def _lexeme(token: str, *, prefix: bool = False) -> str:
    return f"'{token}'" + (":*" if prefix else "")


def _phrase(tokens: tuple[str, ...], *, prefix_last: bool = False) -> str:
    parts: list[str] = []
    for index, token in enumerate(tokens):
        last = index == len(tokens) - 1
        if is_cjk(token):
            # A run of two or more characters is the phrase of its bigrams; one is its unigram.
            parts.append(" <-> ".join(_lexeme(gram) for gram in cjk_bigrams(token)))
        else:
            parts.append(_lexeme(token, prefix=prefix_last and last))
    return " <-> ".join(f"({part})" for part in parts)


def tsquery_text(groups: list[TermGroup], *, prefix_last: bool = False) -> str:
    """`(alt1 | alt2) & (alt3)`: every group must match, any of its alternatives will do."""
    clauses = []
    for index, group in enumerate(groups):
        last = prefix_last and index == len(groups) - 1
        alternatives = [
            _phrase(phrase, prefix_last=last and position == 0)
            for position, phrase in enumerate(group.alternatives)
            if phrase
        ]
        clauses.append("(" + " | ".join(f"({alternative})" for alternative in alternatives) + ")")
    return " & ".join(clauses)


class PostgresBackend(DatabaseBackend):
    name = "postgres"

    def _query(self, groups: list[TermGroup], *, prefix_last: bool = False) -> SearchQuery:
        return SearchQuery(
            tsquery_text(groups, prefix_last=prefix_last), search_type="raw", config=SEARCH_CONFIG
        )

    def _match(self, entries: QuerySet, groups: list[TermGroup]) -> QuerySet:
        return entries.filter(search_vector=self._query(groups))

    def _autocomplete_match(self, entries: QuerySet, groups: list[TermGroup]) -> QuerySet:
        return entries.filter(search_vector=self._query(groups, prefix_last=True))

    def _rank(self, groups: list[TermGroup]) -> Expression | None:
        return SearchRank(F("search_vector"), self._query(groups))

    def _with_keys(self, entries: QuerySet, keys: list[str], *, any_of: bool = False) -> QuerySet:
        # string_to_array(facet_keys, E'\n') is the expression migration 0002 indexes (GIN).
        entries = entries.alias(
            facet_key_array=Func(
                F("facet_keys"), Value("\n"), function="string_to_array", output_field=ArrayField(TextField())
            )
        )
        lookup = "facet_key_array__overlap" if any_of else "facet_key_array__contains"
        return entries.filter(**{lookup: keys})

    def _counts_and_page(
        self,
        matched: QuerySet,
        groups: list[TermGroup],
        sort: str,
        page: int,
        page_size: int,
        tree: CategoryTree,
    ) -> tuple[dict[str, int], list[SearchEntry] | None]:
        # One statement of two parts: a GROUPING SETS pass counts the matches per category,
        # brand, price band and attribute combination (and in all), and a top-N sort picks the
        # page's ids; then the page's rows by primary key.
        rank, order = self._order(groups, sort)
        ranked = matched.annotate(rank=rank) if rank is not None else matched
        start = (page - 1) * page_size
        sort_columns = [field.lstrip("-") for field in order]
        # The names come from the code (`_order`), never from the request.
        order_sql = ", ".join(
            f'"{field.lstrip("-")}" {"DESC" if field.startswith("-") else "ASC"}' for field in order
        )
        grouping = ", ".join(GROUP_COLUMNS)
        if groups:
            # Words typed: matching and ranking read every matched row's vector, so it is done
            # once (MATERIALIZED) and both parts read the result.
            columns = dict.fromkeys(["id", *GROUP_COLUMNS, *sort_columns])
            sql, params = ranked.order_by().values(*columns).query.sql_with_params()
            prefix = f"WITH matched AS MATERIALIZED ({sql}) "
            counted = "matched"
            paged = f"(SELECT * FROM matched ORDER BY {order_sql} LIMIT %s OFFSET %s) AS page"  # noqa: S608
            params = [*params, page_size, start]
        else:
            # Browsing (filters only): each part runs from indexes alone (the covering index on
            # category_id, the index on the newest), which a materialized set would forbid.
            counted_sql, counted_params = matched.order_by().values(*GROUP_COLUMNS).query.sql_with_params()
            page_sql, page_params = (
                ranked.order_by(*order).values("id", *sort_columns)[start : start + page_size]
            ).query.sql_with_params()
            prefix = ""
            counted = f"({counted_sql}) AS matched"
            paged = f"({page_sql}) AS page"
            params = [*counted_params, *page_params]
        with connection.cursor() as cursor:
            cursor.execute(
                f"{prefix}SELECT GROUPING({grouping}), {grouping}, count(*) FROM {counted} "  # noqa: S608 - Django's SQL, parameters apart
                f"GROUP BY GROUPING SETS ({', '.join(f'({column})' for column in GROUP_COLUMNS)}, ()) "
                f"UNION ALL SELECT {PAGE_ROW}, id, NULL, NULL, NULL, row_number() OVER (ORDER BY {order_sql}) "
                f"FROM {paged}",
                params,
            )
            found = FacetGroups()
            positions: dict[int, int] = {}
            for grouped, category_id, brand_slug, price_band, attribute_keys, count in cursor.fetchall():
                if grouped == PAGE_ROW:
                    positions[category_id] = count  # the page's rows: (id, position)
                elif grouped == GROUPED_BY["category_id"]:
                    found.categories[category_id] = count
                elif grouped == GROUPED_BY["brand_slug"]:
                    found.brands[brand_slug] = count
                elif grouped == GROUPED_BY["price_band"]:
                    found.bands[price_band] = count
                elif grouped == GROUPED_BY["attribute_keys"]:
                    found.attribute_sets[attribute_keys] = count
                else:
                    found.total = count
        counts = found.key_counts(tree)
        if not positions:
            return counts, None
        entries = SearchEntry.objects.filter(id__in=positions).only(*HIT_FIELDS)
        return counts, sorted(entries, key=lambda entry: positions[entry.pk])

    def _nearest_terms(self, word: str) -> list[str]:
        # `%` uses the GIN trigram index on the vocabulary; similarity() orders what it found.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term, similarity(term, %s) AS score FROM search_searchterm "
                "WHERE term %% %s AND similarity(term, %s) >= %s ORDER BY score DESC, term LIMIT %s",
                [word, word, word, TYPO_SIMILARITY, CORRECTIONS_PER_WORD],
            )
            return closest(cursor.fetchall())
