"""Search latency at 100,000 products on PostgreSQL, through the search service.

    .venv/bin/python benchmarks/search/bench_search.py            # generate (once), index, measure
    BENCH_SEARCH_PRODUCTS=20000 .venv/bin/python benchmarks/search/bench_search.py --regenerate

1. Creates the PostgreSQL database `shop_bench_search` if missing and migrates it.
2. Generates the products once (bulk_create: no signals, no tasks), deterministic (seeded
   random): 100,000 products in English and Chinese over 24 leaf categories and 60 brands, one to
   three variants each with a colour and a size, stock for most of them. Later runs reuse them
   unless `--regenerate`.
3. Builds the index with `search_index_rebuild()` (the code `manage.py search_index --rebuild`
   runs), timed, then VACUUM ANALYZE.
4. Runs the fixed list of 50 queries below (English, typos, Chinese, with facets and sorts)
   through `search_products` (the whole service: matching, ranking, hits, facet counts) once to
   warm up, then `BENCH_SEARCH_ROUNDS` times each, and the same through Django's test client
   (the full page: middleware, view, template) for the HTTP figure.
5. Prints p50/p95/max and appends a dated section to benchmarks/RESULTS.md.

Target: p95 <= 50 ms through the service. PostgreSQL runs on the same 2-core machine.
"""

import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "benchmarks"))
import benchlib  # noqa: E402
from benchlib import commit  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_SEARCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop_bench_search"
)
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("REDIS_URL", os.environ.get("BENCH_SEARCH_REDIS_URL", "redis://127.0.0.1:6379/11"))
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.pop("ELASTICSEARCH_URL", None)

PRODUCTS = int(os.environ.get("BENCH_SEARCH_PRODUCTS", "100000"))
ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "10"))
RESULTS = BASE_DIR / "benchmarks" / "RESULTS.md"
TARGET_P95_MS = 50.0
BATCH = 5000

# leaf slug: (English name, Chinese name, root slug, [(noun, noun_zh), ...])
LEAVES = {
    "headphones": ("Headphones", "耳机", "electronics", [("Headphones", "耳机"), ("Earbuds", "入耳式耳机"), ("Headset", "头戴耳麦")]),
    "speakers": ("Speakers", "音箱", "electronics", [("Bluetooth Speaker", "蓝牙音箱"), ("Soundbar", "回音壁"), ("Smart Speaker", "智能音箱")]),
    "phones": ("Phones", "手机", "electronics", [("Smartphone", "智能手机"), ("Phone Case", "手机壳"), ("Wireless Charger", "无线充电器")]),
    "computers": ("Computers", "电脑", "electronics", [("Laptop", "笔记本电脑"), ("Gaming Mouse", "游戏鼠标"), ("Mechanical Keyboard", "机械键盘")]),
    "tops": ("Tops", "上衣", "clothing", [("T-Shirt", "T恤"), ("Hoodie", "连帽卫衣"), ("Sweater", "毛衣")]),
    "outerwear": ("Outerwear", "外套", "clothing", [("Winter Jacket", "冬季夹克"), ("Rain Coat", "雨衣"), ("Down Vest", "羽绒背心")]),
    "trousers": ("Trousers", "裤子", "clothing", [("Jeans", "牛仔裤"), ("Chinos", "休闲裤"), ("Joggers", "运动裤")]),
    "socks": ("Socks", "袜子", "clothing", [("Running Socks", "跑步袜"), ("Wool Socks", "羊毛袜"), ("Ankle Socks", "短袜")]),
    "running": ("Running Shoes", "跑鞋", "shoes", [("Running Shoes", "跑鞋"), ("Trail Shoes", "越野跑鞋"), ("Racing Flats", "竞速跑鞋")]),
    "boots": ("Boots", "靴子", "shoes", [("Leather Boots", "皮靴"), ("Hiking Boots", "登山靴"), ("Snow Boots", "雪地靴")]),
    "sneakers": ("Sneakers", "休闲鞋", "shoes", [("Canvas Sneakers", "帆布鞋"), ("Court Sneakers", "板鞋"), ("Slip-ons", "一脚蹬")]),
    "sandals": ("Sandals", "凉鞋", "shoes", [("Sandals", "凉鞋"), ("Flip Flops", "人字拖"), ("Slides", "拖鞋")]),
    "cookware": ("Cookware", "锅具", "kitchen", [("Frying Pan", "平底锅"), ("Stock Pot", "汤锅"), ("Wok", "炒锅")]),
    "appliances": ("Appliances", "厨房电器", "kitchen", [("Electric Kettle", "电水壶"), ("Espresso Machine", "咖啡机"), ("Toaster", "烤面包机")]),
    "knives": ("Knives", "刀具", "kitchen", [("Chef Knife", "厨师刀"), ("Bread Knife", "面包刀"), ("Knife Block", "刀架")]),
    "tableware": ("Tableware", "餐具", "kitchen", [("Dinner Plate", "餐盘"), ("Coffee Mug", "咖啡杯"), ("Salad Bowl", "沙拉碗")]),
    "tables": ("Tables", "桌子", "furniture", [("Coffee Table", "咖啡桌"), ("Dining Table", "餐桌"), ("Side Table", "边桌")]),
    "chairs": ("Chairs", "椅子", "furniture", [("Office Chair", "办公椅"), ("Dining Chair", "餐椅"), ("Armchair", "扶手椅")]),
    "storage": ("Storage", "收纳", "furniture", [("Bookshelf", "书架"), ("Wardrobe", "衣柜"), ("Shoe Rack", "鞋架")]),
    "lighting": ("Lighting", "灯具", "furniture", [("Desk Lamp", "台灯"), ("Floor Lamp", "落地灯"), ("Pendant Light", "吊灯")]),
    "fitness": ("Fitness", "健身", "sports", [("Yoga Mat", "瑜伽垫"), ("Dumbbell Set", "哑铃套装"), ("Resistance Band", "弹力带")]),
    "camping": ("Camping", "露营", "sports", [("Tent", "帐篷"), ("Sleeping Bag", "睡袋"), ("Camping Stove", "露营炉")]),
    "cycling": ("Cycling", "骑行", "sports", [("Bike Helmet", "骑行头盔"), ("Bike Light", "车灯"), ("Cycling Gloves", "骑行手套")]),
    "bags": ("Bags", "箱包", "sports", [("Backpack", "双肩包"), ("Leather Wallet", "真皮钱包"), ("Duffel Bag", "旅行袋")]),
}  # fmt: skip
ROOTS = {
    "electronics": ("Electronics", "电子产品"),
    "clothing": ("Clothing", "服装"),
    "shoes": ("Shoes", "鞋靴"),
    "kitchen": ("Kitchen", "厨房"),
    "furniture": ("Furniture", "家具"),
    "sports": ("Sports & Outdoors", "运动户外"),
}
ADJECTIVES = [
    ("Wireless", "无线"), ("Classic", "经典"), ("Lightweight", "轻量"), ("Premium", "高级"),
    ("Compact", "紧凑"), ("Waterproof", "防水"), ("Stainless Steel", "不锈钢"), ("Organic Cotton", "有机棉"),
    ("Leather", "真皮"), ("Bluetooth", "蓝牙"), ("Ergonomic", "人体工学"), ("Vintage", "复古"),
    ("Foldable", "可折叠"), ("Portable", "便携"), ("Smart", "智能"), ("Eco", "环保"),
    ("Pro", "专业"), ("Ultra", "超"), ("Kids", "儿童"), ("Outdoor", "户外"),
]  # fmt: skip
BRAND_STEMS = ["Aur", "Bol", "Cob", "Dun", "Emb", "Fjo", "Gra", "Har", "Ion", "Jun", "Lum", "Mon",
               "Nor", "Oak", "Pix", "Qui", "Riv", "Sun", "Tal", "Umb"]  # fmt: skip
BRAND_ENDS = ["alis", "ton", "wind"]
COLOURS = ["Black", "White", "Red", "Blue", "Green", "Grey"]
SIZES = ["S", "M", "L", "XL"]

QUERIES = [
    # (label, query, filters, sort)
    ("en", "wireless headphones", {}, "relevance"),
    ("en", "running shoes", {}, "relevance"),
    ("en", "coffee table", {}, "relevance"),
    ("en", "stainless steel kettle", {}, "relevance"),
    ("en", "leather wallet", {}, "relevance"),
    ("en", "gaming mouse", {}, "relevance"),
    ("en", "organic cotton t-shirt", {}, "relevance"),
    ("en", "smartphone", {}, "relevance"),
    ("en", "office chair", {}, "relevance"),
    ("en", "yoga mat", {}, "relevance"),
    ("en", "backpack", {}, "relevance"),
    ("en", "bluetooth speaker", {}, "relevance"),
    ("en", "winter jacket", {}, "relevance"),
    ("en", "chef knife", {}, "relevance"),
    ("en", "auralis headphones", {}, "relevance"),
    ("synonym", "tee", {}, "relevance"),
    ("synonym", "mobile", {}, "relevance"),
    ("synonym", "notebook", {}, "relevance"),
    ("typo", "wireles headphons", {}, "relevance"),
    ("typo", "runing shoes", {}, "relevance"),
    ("typo", "cofee table", {}, "relevance"),
    ("typo", "blutooth speaker", {}, "relevance"),
    ("typo", "lether wallet", {}, "relevance"),
    ("typo", "smartphon", {}, "relevance"),
    ("typo", "backpak", {}, "relevance"),
    ("typo", "espreso machine", {}, "relevance"),
    ("typo", "ergonomc office chiar", {}, "relevance"),
    ("typo", "qzxv", {}, "relevance"),
    ("zh", "蓝牙耳机", {}, "relevance"),
    ("zh", "跑鞋", {}, "relevance"),
    ("zh", "咖啡桌", {}, "relevance"),
    ("zh", "电水壶", {}, "relevance"),
    ("zh", "钱包", {}, "relevance"),
    ("zh", "鼠标", {}, "relevance"),
    ("zh", "T恤", {}, "relevance"),
    ("zh", "智能手机", {}, "relevance"),
    ("zh", "椅", {}, "relevance"),
    ("zh", "瑜伽垫", {}, "relevance"),
    ("zh", "不锈钢", {}, "relevance"),
    ("zh", "防水 登山靴", {}, "relevance"),
    ("facets", "headphones", {"category_slug": "electronics"}, "relevance"),
    ("facets", "shoes", {"brand_slugs": ("auralis", "bolton")}, "relevance"),
    ("facets", "table", {"price_range": "100-250"}, "relevance"),
    ("facets", "jacket", {"attributes": (("colour", "black"),)}, "relevance"),
    ("facets", "lamp", {"in_stock": True}, "price_asc"),
    ("facets", "wireless", {"category_slug": "phones", "price_range": "25-50"}, "price_desc"),
    ("facets", "耳机", {"attributes": (("colour", "red"), ("size", "m"))}, "relevance"),
    ("facets", "", {"category_slug": "kitchen"}, "newest"),
    ("facets", "chair", {}, "newest"),
    ("facets", "pro", {"brand_slugs": ("pixwind",)}, "price_asc"),
]


def database_create() -> None:
    import psycopg2
    from psycopg2 import sql

    name = DATABASE_URL.rsplit("/", 1)[1]
    server = psycopg2.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres")
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    server.close()


def catalog_generate(count: int) -> float:
    from django.db import connection, transaction

    from apps.catalog.models import Attribute, AttributeValue, Brand, Category, Product, Variant
    from apps.inventory.models import StockItem
    from shop.accounts.models import Merchant

    started = time.perf_counter()
    rng = random.Random(20240601)
    with transaction.atomic():
        merchants = [
            Merchant.objects.get_or_create(slug=f"bench-{i}", defaults={"name": f"Bench Merchant {i}"})[0]
            for i in range(5)
        ]
        roots = {
            slug: Category.objects.create(slug=slug, name=name, name_zh=zh, position=i)
            for i, (slug, (name, zh)) in enumerate(ROOTS.items())
        }
        leaves = {
            slug: Category.objects.create(slug=slug, name=name, name_zh=zh, parent=roots[root], position=i)
            for i, (slug, (name, zh, root, _)) in enumerate(LEAVES.items())
        }
        brands = [
            Brand.objects.create(slug=f"{stem}{end}".lower(), name=f"{stem}{end}")
            for stem in BRAND_STEMS
            for end in BRAND_ENDS
        ]
        colour = Attribute.objects.create(slug="colour", name="Colour", name_zh="颜色")
        size = Attribute.objects.create(slug="size", name="Size", name_zh="尺码")
        colours = [AttributeValue.objects.create(attribute=colour, slug=c.lower(), value=c) for c in COLOURS]
        sizes = [AttributeValue.objects.create(attribute=size, slug=s.lower(), value=s) for s in SIZES]
    leaf_items = list(LEAVES.items())
    through = Variant.attribute_values.through
    now = dt.datetime.now(dt.UTC)
    made = 0
    while made < count:
        size_of_batch = min(BATCH, count - made)
        products = []
        for index in range(made, made + size_of_batch):
            leaf_slug, (_, _, _, nouns) = leaf_items[rng.randrange(len(leaf_items))]
            noun, noun_zh = nouns[rng.randrange(len(nouns))]
            adjective, adjective_zh = ADJECTIVES[rng.randrange(len(ADJECTIVES))]
            brand = brands[rng.randrange(len(brands))]
            model = f"{chr(65 + rng.randrange(26))}{rng.randrange(100, 999)}"
            products.append(
                Product(
                    merchant=merchants[index % len(merchants)],
                    category=leaves[leaf_slug],
                    brand=brand,
                    name=f"{brand.name} {adjective} {noun} {model}",
                    name_zh=f"{brand.name} {adjective_zh}{noun_zh} {model}",
                    slug=f"p-{index}",
                    description=f"{adjective} {noun.lower()} by {brand.name}, built to last. Model {model}.",
                    description_zh=f"{brand.name}出品的{adjective_zh}{noun_zh}，经久耐用。型号 {model}。",
                    status=Product.Status.ACTIVE,
                    created_at=now - dt.timedelta(minutes=index),
                    updated_at=now,
                )
            )
        with transaction.atomic():
            Product.objects.bulk_create(products)
            variants = []
            for product in products:
                for number in range(rng.randrange(1, 4)):
                    variants.append(
                        Variant(
                            product=product,
                            merchant=product.merchant,
                            sku=f"{product.slug}-{number}",
                            price=Decimal(rng.randrange(500, 150000)) / 100,
                            currency="USD",
                        )
                    )
            Variant.objects.bulk_create(variants)
            through.objects.bulk_create(
                through(variant_id=variant.pk, attributevalue_id=value.pk)
                for variant in variants
                for value in (colours[rng.randrange(len(colours))], sizes[rng.randrange(len(sizes))])
            )
            StockItem.objects.bulk_create(
                StockItem(
                    variant_id=variant.pk,
                    merchant=variant.merchant,
                    sku=variant.sku,
                    available=rng.choice([0, 3, 12, 40]),
                )
                for variant in variants
            )
        made += size_of_batch
        print(f"  generated {made} products", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def catalog_clear() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE search_searchentry, search_searchfacetlabel, search_searchterm, inventory_stockmovement, inventory_stockitem, catalog_variant_attribute_values, "
            "catalog_variant, catalog_productimage, catalog_product, catalog_attributevalue, catalog_attribute, "
            "catalog_brand, catalog_category CASCADE"
        )


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure_service(*, cache_seconds: int) -> tuple[dict[str, list[float]], dict[str, int]]:
    from django.conf import settings

    from apps.search.selectors import search_products
    from apps.search.types import SearchFilters

    settings.SEARCH_CACHE_SECONDS = cache_seconds

    timings: dict[str, list[float]] = {}
    totals: dict[str, int] = {}
    for rnd in range(ROUNDS + 1):
        for label, query, filters, sort in QUERIES:
            started = time.perf_counter()
            result = search_products(query=query, filters=SearchFilters(**filters), sort=sort, language="en")
            elapsed = (time.perf_counter() - started) * 1000
            if rnd:  # round 0 warms the caches
                timings.setdefault(label, []).append(elapsed)
            totals[f"{query}|{filters}|{sort}"] = result.total
    return timings, totals


def measure_http() -> list[float]:
    from django.conf import settings
    from django.test import Client

    settings.SEARCH_CACHE_SECONDS = 0

    client = Client()
    samples = []
    for rnd in range(max(ROUNDS // 2, 1) + 1):
        for _, query, filters, sort in QUERIES:
            params = {"q": query, "sort": sort}
            if filters.get("category_slug"):
                params["category"] = filters["category_slug"]
            if filters.get("brand_slugs"):
                params["brand"] = list(filters["brand_slugs"])
            if filters.get("price_range"):
                params["price"] = filters["price_range"]
            if filters.get("attributes"):
                params["attr"] = [f"{a}:{v}" for a, v in filters["attributes"]]
            if filters.get("in_stock"):
                params["in_stock"] = "1"
            started = time.perf_counter()
            response = client.get("/search/", params)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.status_code
            if rnd:
                samples.append(elapsed)
    return samples


def machine() -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{benchlib.machine()}, load average {load}"


def main() -> None:
    database_create()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from apps.catalog.models import Product
    from apps.search.backends import backend_name
    from apps.search.models import SearchEntry
    from apps.search.services import search_index_rebuild

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the search page's template needs it
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(" on ")[0]
    regenerate = "--regenerate" in sys.argv
    existing = Product.objects.count()
    generated_in = None
    if regenerate or existing != PRODUCTS:
        print(f"generating {PRODUCTS} products (found {existing})", flush=True)
        catalog_clear()
        generated_in = catalog_generate(PRODUCTS)
    reindex = regenerate or generated_in is not None or "--reindex" in sys.argv
    indexed_in = None
    if reindex or SearchEntry.objects.count() != PRODUCTS:
        print("building the index", flush=True)
        started = time.perf_counter()
        report = search_index_rebuild(progress=lambda done: done % 20000 == 0 and print(f"  indexed {done}"))
        indexed_in = time.perf_counter() - started
        print(f"  {report.indexed} indexed in {indexed_in:.1f} s", flush=True)
        connection.ensure_connection()
        old_autocommit = connection.get_autocommit()
        connection.set_autocommit(True)
        with connection.cursor() as cursor:
            for table in ("search_searchentry", "search_searchterm", "search_searchfacetlabel"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        connection.set_autocommit(old_autocommit)
    assert backend_name() == "postgres", backend_name()

    print(f"measuring {len(QUERIES)} queries x {ROUNDS} rounds through the service", flush=True)
    timings, totals = measure_service(cache_seconds=0)
    every = [value for values in timings.values() for value in values]
    cached_timings, _ = measure_service(cache_seconds=30)
    cached = [value for values in cached_timings.values() for value in values]
    print("measuring the search page through Django's test client", flush=True)
    http = measure_http()

    rows = [
        ("all queries, answer cache off", every),
        *((f"{label} ({len(values) // ROUNDS} queries)", values) for label, values in timings.items()),
    ]
    p95 = percentile(every, 0.95)
    lines = [
        "",
        f"## Search latency, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC (commit {commit()})",
        "",
        f"`benchmarks/search/bench_search.py`: {PRODUCTS:,} products on {pg_version} (database "
        f"`{DATABASE_URL.rsplit('/', 1)[1]}`, same machine), backend `postgres`, {len(QUERIES)} fixed "
        f"queries x {ROUNDS} rounds after one warm-up round, one client, through `search_products` "
        f"(matching, ranking, one page of hits, every facet count).",
        f"Machine: {machine()}.",
        "",
    ]
    if generated_in is not None:
        lines.append(f"Generated the catalog in {generated_in:.0f} s (bulk_create).")
    if indexed_in is not None:
        lines.append(f"Built the index (`search_index --rebuild`) in {indexed_in:.0f} s.")
    lines += [
        "",
        "| queries | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|",
    ]
    for label, values in rows:
        lines.append(
            f"| {label} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} | {max(values):.1f} |"
        )
    lines.append(
        f"| all queries, answer cache on (SEARCH_CACHE_SECONDS=30, repeated queries) | "
        f"{statistics.median(cached):.1f} | {percentile(cached, 0.95):.1f} | {max(cached):.1f} |"
    )
    lines.append(
        f"| the search page through Django's test client, cache off (view, template, middleware) | "
        f"{statistics.median(http):.1f} | {percentile(http, 0.95):.1f} | {max(http):.1f} |"
    )
    verdict = "met" if p95 <= TARGET_P95_MS else "NOT met"
    matched = sorted(totals.values())
    lines += [
        "",
        f"Target p95 <= {TARGET_P95_MS:.0f} ms through the service with the answer cache off: **{verdict}** "
        f"({p95:.1f} ms). "
        f"Matches per query: median {statistics.median(matched):.0f}, max {max(matched):,}, "
        f"{sum(1 for total in matched if total == 0)} with none.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    with RESULTS.open("a", encoding="utf-8") as results:
        results.write(text)


if __name__ == "__main__":
    main()
