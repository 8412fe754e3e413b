"""The entry's columns again beside its words (``SearchText``): a search with words reads its
matches from the word table alone, with no second lookup of each entry by its id."""

from django.db import migrations, models

COLUMNS = (
    "object_id",
    "title",
    "title_words",
    "category_id",
    "category_path",
    "platform_id",
    "currency",
    "status",
    "region",
    "price_min",
    "price_max",
    "deadline",
    "published_at",
    "band",
    "supplier_id",
    "public",
    "buyer_id",
    "participation",
)


def fill(apps, schema_editor):
    """The columns of the entries indexed so far (SQLite and PostgreSQL both take
    ``UPDATE ... FROM``)."""
    assignments = ", ".join(f"{c} = e.{c}" for c in COLUMNS)
    schema_editor.execute(
        f"UPDATE search_searchtext SET {assignments} "  # noqa: S608 (our own column names)
        "FROM search_searchentry e WHERE e.id = search_searchtext.entry_id"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_vocabulary"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchtext",
            name="object_id",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="searchtext",
            name="title",
            field=models.CharField(default="", max_length=300),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="searchtext", name="title_words", field=models.TextField(blank=True)
        ),
        migrations.AddField(
            model_name="searchtext",
            name="category_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="searchtext",
            name="category_path",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="searchtext",
            name="platform_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="searchtext",
            name="currency",
            field=models.CharField(blank=True, max_length=3),
        ),
        migrations.AddField(
            model_name="searchtext",
            name="status",
            field=models.CharField(blank=True, max_length=24),
        ),
        migrations.AddField(
            model_name="searchtext", name="region", field=models.CharField(blank=True, max_length=8)
        ),
        migrations.AddField(
            model_name="searchtext",
            name="price_min",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=20, null=True),
        ),
        migrations.AddField(
            model_name="searchtext",
            name="price_max",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=20, null=True),
        ),
        migrations.AddField(
            model_name="searchtext",
            name="deadline",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="searchtext",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="searchtext", name="band", field=models.CharField(blank=True, max_length=16)
        ),
        migrations.AddField(
            model_name="searchtext",
            name="supplier_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="searchtext", name="public", field=models.BooleanField(default=False)
        ),
        migrations.AddField(
            model_name="searchtext",
            name="buyer_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="searchtext",
            name="participation",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
