"""Facet counting groups by scalar columns instead of unnesting `facet_keys` row by row: the
price band and the product's attribute combination get columns of their own, filled here from
the keys already indexed (no re-index needed), and category filters read `category_id` through
a B-tree index that covers what browsing a category counts and sorts by (PostgreSQL)."""

from django.db import migrations, models

BATCH = 2000


def fill(apps, schema_editor):
    SearchEntry = apps.get_model("search", "SearchEntry")
    batch = []
    for entry in SearchEntry.objects.only("id", "facet_keys").order_by("id").iterator(chunk_size=BATCH):
        keys = [key for key in entry.facet_keys.split("\n") if key]
        entry.price_band = next((key[2:] for key in keys if key.startswith("p:")), "")
        entry.attribute_keys = "\n".join(sorted({key for key in keys if key.startswith("a:")}))
        batch.append(entry)
        if len(batch) == BATCH:
            SearchEntry.objects.bulk_update(batch, ["price_band", "attribute_keys"])
            batch = []
    if batch:
        SearchEntry.objects.bulk_update(batch, ["price_band", "attribute_keys"])


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgres_indexes")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="attribute_keys",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="price_band",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(
                fields=["category_id"],
                include=[
                    "id", "brand_slug", "price_band", "attribute_keys", "product_created_at", "price_min", "in_stock",
                ],
                name="search_entry_category",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
