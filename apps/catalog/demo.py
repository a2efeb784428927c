"""Demo catalog for `manage.py seed_demo`: a category tree in English and Chinese, brands, colour and
size attributes, and `products` active products with variants and generated pictures.

Everything is derived from the product's number, so a second run finds every row by its natural key
(slug, SKU) and creates nothing. Rows are written with bulk_create; the pictures, the slow part, are
small JPEGs saved through Django's storage API (local files or S3 alike).
"""

import io
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from apps.catalog.models import Attribute, AttributeValue, Brand, Category, Product, ProductImage, Variant
from shop.accounts.demo import demo_merchant_ids

PICTURE_SIZE = 480
THUMBNAIL_SIZE = 320
JPEG_QUALITY = 70
FEATURED_EVERY = 40

# (slug, English, Chinese, [(slug, English, Chinese, [(noun, noun in Chinese), ...]), ...])
CATEGORY_TREE = (
    ("electronics", "Electronics", "电子产品", (
        ("phones", "Phones", "手机", (("Phone", "手机"), ("Smartphone", "智能手机"))),
        ("laptops", "Laptops", "笔记本电脑", (("Laptop", "笔记本电脑"), ("Ultrabook", "轻薄本"))),
        ("headphones", "Headphones", "耳机", (("Headphones", "头戴耳机"), ("Earbuds", "入耳式耳机"))),
    )),
    ("clothing", "Clothing", "服装", (
        ("t-shirts", "T-shirts", "T恤", (("T-shirt", "T恤"), ("Polo Shirt", "Polo衫"))),
        ("jackets", "Jackets", "夹克", (("Jacket", "夹克"), ("Windbreaker", "风衣"))),
        ("dresses", "Dresses", "连衣裙", (("Dress", "连衣裙"), ("Skirt", "半身裙"))),
    )),
    ("home-kitchen", "Home & Kitchen", "家居厨房", (
        ("cookware", "Cookware", "炊具", (("Frying Pan", "煎锅"), ("Wok", "炒锅"))),
        ("bedding", "Bedding", "床上用品", (("Duvet", "羽绒被"), ("Pillow", "枕头"))),
        ("lighting", "Lighting", "灯具", (("Desk Lamp", "台灯"), ("Floor Lamp", "落地灯"))),
    )),
    ("sports-outdoors", "Sports & Outdoors", "运动户外", (
        ("running-shoes", "Running Shoes", "跑鞋", (("Running Shoe", "跑鞋"), ("Trail Shoe", "越野跑鞋"))),
        ("yoga", "Yoga", "瑜伽", (("Yoga Mat", "瑜伽垫"), ("Yoga Block", "瑜伽砖"))),
        ("camping", "Camping", "露营", (("Tent", "帐篷"), ("Sleeping Bag", "睡袋"))),
    )),
    ("beauty", "Beauty", "美妆个护", (
        ("skincare", "Skincare", "护肤", (("Face Cream", "面霜"), ("Serum", "精华液"))),
        ("makeup", "Makeup", "彩妆", (("Lipstick", "口红"), ("Eyeliner", "眼线笔"))),
        ("fragrance", "Fragrance", "香水", (("Eau de Parfum", "香水"), ("Body Mist", "身体喷雾"))),
    )),
    ("toys-games", "Toys & Games", "玩具游戏", (
        ("building-blocks", "Building Blocks", "积木", (("Block Set", "积木套装"), ("Robot Kit", "机器人套件"))),
        ("board-games", "Board Games", "桌游", (("Board Game", "桌游"), ("Puzzle", "拼图"))),
        ("plush-toys", "Plush Toys", "毛绒玩具", (("Teddy Bear", "泰迪熊"), ("Plush Panda", "熊猫公仔"))),
    )),
)  # fmt: skip

# Categories whose variants come in sizes; the others vary by colour only.
SIZED_CATEGORIES = frozenset({"t-shirts", "jackets", "dresses", "running-shoes"})

BRANDS = (
    "Aurora", "Nimbus", "Pixelia", "Zenko", "Harbor", "Lumen", "Tidal", "Everpine", "Northwind", "Sakura",
)  # fmt: skip

ADJECTIVES = (
    ("Classic", "经典"), ("Pro", "专业版"), ("Lite", "轻便"), ("Deluxe", "豪华"), ("Eco", "环保"),
    ("Urban", "都市"), ("Smart", "智能"), ("Compact", "紧凑"), ("Premium", "高级"), ("Everyday", "日常"),
)  # fmt: skip

# (slug, English, hex for the pictures)
COLOURS = (
    ("red", "Red", "红色", "#c0392b"),
    ("blue", "Blue", "蓝色", "#2e86c1"),
    ("green", "Green", "绿色", "#239b56"),
    ("black", "Black", "黑色", "#2c3e50"),
    ("white", "White", "白色", "#95a5a6"),
    ("yellow", "Yellow", "黄色", "#d4ac0d"),
)
SIZES = (("s", "S"), ("m", "M"), ("l", "L"), ("xl", "XL"))


@dataclass(frozen=True)
class CatalogDemoSummary:
    categories: int
    brands: int
    products: int
    variants: int
    pictures: int
    created_products: int

    def __str__(self) -> str:
        return (
            f"catalog: {self.categories} categories, {self.brands} brands, {self.products} products "
            f"({self.created_products} new), {self.variants} variants, {self.pictures} pictures"
        )


@dataclass(frozen=True)
class _Leaf:
    category_id: int
    slug: str
    nouns: tuple[tuple[str, str], ...]


@transaction.atomic
def catalog_seed_demo(*, products: int) -> CatalogDemoSummary:
    leaves = _categories_seed()
    brand_ids = _brands_seed()
    colour_ids, size_ids = _attributes_seed()
    merchant_ids = demo_merchant_ids()
    specs = [_product_spec(number=n, leaves=leaves, merchant_ids=merchant_ids) for n in range(products)]
    created = _products_seed(specs=specs, brand_ids=brand_ids)
    by_key = {
        (p.merchant_id, p.slug): p
        for p in Product.objects.filter(merchant_id__in=merchant_ids, slug__in=[s.slug for s in specs])
    }
    _variants_seed(specs=specs, by_key=by_key, colour_ids=colour_ids, size_ids=size_ids)
    _pictures_seed(specs=specs, by_key=by_key)
    return CatalogDemoSummary(
        categories=Category.objects.count(),
        brands=Brand.objects.count(),
        products=Product.objects.count(),
        variants=Variant.objects.count(),
        pictures=ProductImage.objects.count(),
        created_products=created,
    )


def _categories_seed() -> list[_Leaf]:
    leaves = []
    for position, (slug, name, name_zh, children) in enumerate(CATEGORY_TREE):
        top, _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_zh": name_zh, "position": position}
        )
        for child_position, (child_slug, child_name, child_zh, nouns) in enumerate(children):
            child, _ = Category.objects.get_or_create(
                slug=child_slug,
                defaults={"name": child_name, "name_zh": child_zh, "parent": top, "position": child_position},
            )
            leaves.append(_Leaf(category_id=child.pk, slug=child_slug, nouns=nouns))
    return leaves


def _brands_seed() -> list[int]:
    return [Brand.objects.get_or_create(slug=name.lower(), defaults={"name": name})[0].pk for name in BRANDS]


def _attributes_seed() -> tuple[list[int], list[int]]:
    colour, _ = Attribute.objects.get_or_create(slug="colour", defaults={"name": "Colour", "name_zh": "颜色"})
    size, _ = Attribute.objects.get_or_create(slug="size", defaults={"name": "Size", "name_zh": "尺码"})
    colour_ids = [
        _attribute_value_seed(attribute=colour, slug=slug, value=value, value_zh=value_zh)
        for slug, value, value_zh, _hex in COLOURS
    ]
    size_ids = [
        _attribute_value_seed(attribute=size, slug=slug, value=value, value_zh="") for slug, value in SIZES
    ]
    return colour_ids, size_ids


def _attribute_value_seed(*, attribute: Attribute, slug: str, value: str, value_zh: str) -> int:
    found, created = AttributeValue.objects.get_or_create(
        attribute=attribute, slug=slug, defaults={"value": value, "value_zh": value_zh}
    )
    if not created and value_zh and not found.value_zh:
        # A demo database seeded before values had Chinese names gets them; an edit stays.
        found.value_zh = value_zh
        found.save(update_fields=["value_zh"])
    return found.pk


@dataclass(frozen=True)
class _ProductSpec:
    number: int
    merchant_id: int
    category_id: int
    category_slug: str
    brand_index: int
    name: str
    name_zh: str
    slug: str
    base_price: Decimal
    variant_count: int
    colour_index: int


def _product_spec(*, number: int, leaves: list[_Leaf], merchant_ids: list[int]) -> _ProductSpec:
    rng = random.Random(number)  # one seed per product: the same number always gives the same product
    leaf = leaves[number % len(leaves)]
    noun, noun_zh = leaf.nouns[(number // len(leaves)) % len(leaf.nouns)]
    adjective, adjective_zh = ADJECTIVES[rng.randrange(len(ADJECTIVES))]
    brand_index = rng.randrange(len(BRANDS))
    brand = BRANDS[brand_index]
    return _ProductSpec(
        number=number,
        merchant_id=merchant_ids[number % len(merchant_ids)],
        category_id=leaf.category_id,
        category_slug=leaf.slug,
        brand_index=brand_index,
        name=f"{brand} {adjective} {noun} {number + 1}",
        name_zh=f"{brand} {adjective_zh}{noun_zh} {number + 1}",
        slug=f"{brand}-{adjective}-{noun}-{number + 1}".lower().replace(" ", "-"),
        base_price=Decimal(rng.randrange(499, 49999)) / 100,
        variant_count=rng.randint(1, 4),
        colour_index=rng.randrange(len(COLOURS)),
    )


def _products_seed(*, specs: list[_ProductSpec], brand_ids: list[int]) -> int:
    existing = set(
        Product.objects.filter(slug__in=[s.slug for s in specs]).values_list("merchant_id", "slug")
    )
    new = [
        Product(
            merchant_id=s.merchant_id,
            category_id=s.category_id,
            brand_id=brand_ids[s.brand_index],
            name=s.name,
            name_zh=s.name_zh,
            slug=s.slug,
            description=(
                f"The {s.name} is a demo product of the flash-sale shop. Well made, fairly priced "
                "and shipped within 48 hours."
            ),
            description_zh=f"{s.name_zh}是闪购商城的演示商品。做工精良，价格公道，48小时内发货。",
            status=Product.Status.ACTIVE,
            is_featured=s.number % FEATURED_EVERY == 0,
        )
        for s in specs
        if (s.merchant_id, s.slug) not in existing
    ]
    Product.objects.bulk_create(new, batch_size=500)
    return len(new)


def _variant_sku(spec: _ProductSpec, index: int) -> str:
    return f"DEMO-{spec.number + 1:05d}-{index + 1}"


def _variants_seed(
    *, specs: list[_ProductSpec], by_key: dict, colour_ids: list[int], size_ids: list[int]
) -> None:
    merchant_ids = {s.merchant_id for s in specs}
    existing = set(Variant.objects.filter(merchant_id__in=merchant_ids).values_list("merchant_id", "sku"))
    new: list[Variant] = []
    values_of: dict[tuple[int, str], list[int]] = {}
    for spec in specs:
        product = by_key[(spec.merchant_id, spec.slug)]
        sized = spec.category_slug in SIZED_CATEGORIES
        for index in range(spec.variant_count):
            sku = _variant_sku(spec, index)
            if (spec.merchant_id, sku) in existing:
                continue
            colour = (spec.colour_index + index) % len(COLOURS)
            value_ids = [colour_ids[colour]]
            if sized:
                value_ids.append(size_ids[index % len(size_ids)])
            new.append(
                Variant(
                    product=product,
                    merchant_id=spec.merchant_id,
                    sku=sku,
                    price=spec.base_price + 5 * index,
                    currency=settings.SHOP_CURRENCY,
                    weight_grams=200 + 50 * (spec.number % 20),
                )
            )
            values_of[(spec.merchant_id, sku)] = value_ids
    Variant.objects.bulk_create(new, batch_size=500)
    if not new:
        return
    created = Variant.objects.filter(merchant_id__in=merchant_ids, sku__in=[v.sku for v in new])
    through = Variant.attribute_values.through
    through.objects.bulk_create(
        [
            through(variant_id=variant_id, attributevalue_id=value_id)
            for variant_id, merchant_id, sku in created.values_list("pk", "merchant_id", "sku")
            for value_id in values_of[(merchant_id, sku)]
        ],
        batch_size=1000,
    )


def _pictures_seed(*, specs: list[_ProductSpec], by_key: dict) -> None:
    with_picture = set(
        ProductImage.objects.filter(product__in=list(by_key.values())).values_list("product_id", flat=True)
    )
    images = []
    for spec in specs:
        product = by_key[(spec.merchant_id, spec.slug)]
        if product.pk in with_picture:
            continue
        picture, thumbnail = _picture_render(
            initials=_initials(spec.name), colour=COLOURS[spec.colour_index][3]
        )
        image = ProductImage(product=product, alt=spec.name, position=0)
        image.image.save(f"{spec.slug}.jpg", ContentFile(picture), save=False)
        image.thumbnail.save(f"{spec.slug}-thumb.jpg", ContentFile(thumbnail), save=False)
        images.append(image)
    ProductImage.objects.bulk_create(images, batch_size=500)


def _initials(name: str) -> str:
    words = [w for w in name.split() if w[0].isalpha()]
    return (words[0][0] + words[-1][0]).upper()


@lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=PICTURE_SIZE // 3)


def _picture_render(*, initials: str, colour: str) -> tuple[bytes, bytes]:
    """A coloured square with the product's initials, and its thumbnail, as JPEG bytes."""
    picture = Image.new("RGB", (PICTURE_SIZE, PICTURE_SIZE), colour)
    draw = ImageDraw.Draw(picture)
    draw.text((PICTURE_SIZE // 2, PICTURE_SIZE // 2), initials, fill="white", font=_font(), anchor="mm")
    thumbnail = picture.resize((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)
    return _jpeg(picture), _jpeg(thumbnail)


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()
