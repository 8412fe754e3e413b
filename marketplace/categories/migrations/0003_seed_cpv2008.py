"""Seeds the category tree with the CPV 2008 divisions, groups and a few classes."""

from django.db import migrations

from marketplace.categories.seed import load_tree, read_tree


def seed(apps, schema_editor):
    Category = apps.get_model("categories", "Category")
    load_tree(Category, read_tree())


class Migration(migrations.Migration):
    dependencies = [
        ("categories", "0002_category_search_fields"),
    ]

    # Unapplying keeps the rows: other tables may already refer to them.
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
