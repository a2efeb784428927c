"""A fixed catalog of 300 products in English and Chinese for the relevance tests.

Ten "anchor" products are the ones queries must find; 290 generated ones share their categories,
their words ("wireless", "running", "蓝牙", "手机") and some of their brands, so a query that is
answered well must weigh all its words. Everything is deterministic (no randomness).
"""

from decimal import Decimal

from apps.catalog.models import Product
from tests.apps.catalog.factories import (
    AttributeFactory,
    AttributeValueFactory,
    BrandFactory,
    CategoryFactory,
    MerchantFactory,
    ProductFactory,
    VariantFactory,
)

TREE = {
    # slug: (name, name_zh, parent slug)
    "electronics": ("Electronics", "电子产品", None),
    "headphones": ("Headphones & Audio", "耳机音响", "electronics"),
    "phones": ("Phones", "手机通讯", "electronics"),
    "computers": ("Computers", "电脑办公", "electronics"),
    "clothing": ("Clothing", "服装", None),
    "tops": ("Tops", "上衣", "clothing"),
    "shoes": ("Shoes", "鞋靴", "clothing"),
    "home": ("Home", "家居", None),
    "kitchen": ("Kitchen", "厨房", "home"),
    "furniture": ("Furniture", "家具", "home"),
}

ANCHORS = [
    # (name, name_zh, brand, category, price, description)
    ("Auralis Wireless Headphones Pro", "Auralis 无线蓝牙耳机 Pro", "Auralis", "headphones", "199.00",
     "Over-ear headphones with 40 hours of battery."),
    ("Nordwind Trail Running Shoes", "Nordwind 越野跑鞋", "Nordwind", "shoes", "129.00",
     "Grippy soles for muddy trails."),
    ("Pixelon X5 Smartphone 128GB", "Pixelon X5 智能手机 128GB", "Pixelon", "phones", "699.00",
     "A 6.1 inch screen and two cameras."),
    ("Kestrel Organic Cotton T-Shirt", "Kestrel 有机棉T恤", "Kestrel", "tops", "29.00",
     "Soft, breathable and fairly made."),
    ("Sunbeam Stainless Steel Kettle", "Sunbeam 不锈钢电水壶", "Sunbeam", "kitchen", "49.00",
     "Boils 1.7 litres in four minutes."),
    ("Maple Oak Coffee Table", "Maple 橡木咖啡桌", "Maple", "furniture", "349.00",
     "Solid oak, oiled by hand."),
    ("Huasheng Noise Cancelling Earbuds", "华声 降噪入耳式耳机", "Huasheng", "headphones", "89.00",
     "Quiet trains, quiet offices."),
    ("Kestrel Merino Wool Sweater", "Kestrel 美利奴羊毛衫", "Kestrel", "tops", "119.00",
     "Warm without the itch."),
    ("Pixelon Ultrabook Laptop 14", "Pixelon 轻薄笔记本电脑 14英寸", "Pixelon", "computers", "1299.00",
     "Thin, light, twelve hours on battery."),
    ("Sunbeam Espresso Machine", "Sunbeam 意式咖啡机", "Sunbeam", "kitchen", "259.00",
     "Fifteen bars of pressure."),
]  # fmt: skip

# Other products of the anchor brands, so that a brand alone does not single an anchor out.
ANCHOR_BRAND_EXTRAS = [
    ("Auralis Bluetooth Speaker Mini", "Auralis 蓝牙音箱 Mini", "Auralis", "headphones", "59.00"),
    ("Pixelon 4K Webcam", "Pixelon 4K 摄像头", "Pixelon", "computers", "89.00"),
    ("Nordwind Rain Jacket", "Nordwind 防雨夹克", "Nordwind", "tops", "149.00"),
    ("Sunbeam Toaster", "Sunbeam 烤面包机", "Sunbeam", "kitchen", "39.00"),
    ("Maple Bookshelf", "Maple 书架", "Maple", "furniture", "199.00"),
]

ITEMS = {
    "headphones": [("Wired Headphones", "有线耳机"), ("Bluetooth Speaker", "蓝牙音箱"),
                   ("Studio Monitor Speakers", "监听音箱"), ("Headphone Stand", "耳机支架")],
    "phones": [("Phone Case", "手机壳"), ("Wireless Charger", "无线充电器"),
               ("Screen Protector", "屏幕保护膜"), ("USB-C Cable", "数据线")],
    "computers": [("Gaming Mouse", "游戏鼠标"), ("Wireless Mouse", "无线鼠标"),
                  ("Mechanical Keyboard", "机械键盘"), ("Laptop Bag", "电脑包")],
    "tops": [("Graphic T-Shirt", "印花T恤"), ("Polo Shirt", "Polo衫"), ("Hoodie", "连帽卫衣"),
             ("Running Socks", "跑步袜")],
    "shoes": [("Leather Boots", "皮靴"), ("Canvas Sneakers", "帆布鞋"), ("Running Shoes", "跑鞋"),
              ("Sandals", "凉鞋")],
    "kitchen": [("Cast Iron Pan", "铸铁锅"), ("Chef Knife", "厨师刀"), ("Cutting Board", "砧板"),
                ("Coffee Grinder", "咖啡研磨机")],
    "furniture": [("Bookcase", "书柜"), ("Desk Lamp", "台灯"), ("Office Chair", "办公椅"),
                  ("Side Table", "边桌")],
}  # fmt: skip
BACKGROUND_BRANDS = ["Aurora", "Bolt", "Cobalt", "Dune", "Ember", "Fjord", "Granite", "Harbor", "Ion",
                     "Juniper", "Lumen", "Monarch"]  # fmt: skip
COLOURS = [("black", "Black"), ("white", "White"), ("red", "Red"), ("blue", "Blue")]
PRODUCT_COUNT = 300


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def build_dataset() -> dict[str, Product]:
    """Create the 300 products (one variant each, a colour on most); returns them by name."""
    merchant = MerchantFactory(slug="relevance-shop", name="Relevance Shop")
    categories = {}
    for slug, (name, name_zh, parent) in TREE.items():
        categories[slug] = CategoryFactory(
            slug=slug, name=name, name_zh=name_zh, parent=categories.get(parent)
        )
    brands = {}

    def brand(name: str):
        if name not in brands:
            brands[name] = BrandFactory(slug=_slug(name), name=name)
        return brands[name]

    colour = AttributeFactory(slug="colour", name="Colour", name_zh="颜色")
    colours = [AttributeValueFactory(attribute=colour, slug=slug, value=value) for slug, value in COLOURS]
    rows = [(*anchor[:5], anchor[5]) for anchor in ANCHORS]
    rows += [(*extra, f"{extra[0]}.") for extra in ANCHOR_BRAND_EXTRAS]
    leaves = list(ITEMS)
    index = 0
    while len(rows) < PRODUCT_COUNT:
        leaf = leaves[index % len(leaves)]
        item_en, item_zh = ITEMS[leaf][(index // len(leaves)) % len(ITEMS[leaf])]
        brand_name = BACKGROUND_BRANDS[(index * 7) % len(BACKGROUND_BRANDS)]
        model = f"{chr(65 + index % 26)}{100 + index}"
        price = Decimal(5 + (index * 37) % 300)
        rows.append((f"{brand_name} {item_en} {model}", f"{brand_name} {item_zh} {model}", brand_name, leaf,
                     f"{price}.00", f"{item_en} by {brand_name}."))  # fmt: skip
        index += 1
    products = {}
    for position, (name, name_zh, brand_name, leaf, price, description) in enumerate(rows):
        product = ProductFactory(
            merchant=merchant,
            category=categories[leaf],
            brand=brand(brand_name),
            name=name,
            name_zh=name_zh,
            slug=_slug(name),
            description=description,
        )
        values = [colours[position % len(colours)]] if position % 5 else []
        VariantFactory(
            product=product, sku=f"REL-{position:04d}", price=Decimal(price), attribute_values=values
        )
        products[name] = product
    return products
