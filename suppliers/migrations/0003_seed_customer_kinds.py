"""The three fixed price list kinds become each supplier's own kinds of customer: every
supplier company (and every company with a price list) gets wholesale, small wholesale and
retail (retail its default, what a customer with no list of its own gets); a price list's
``kind`` keeps its old value, now the code of one of its supplier's kinds. A code no longer
among the three (none existed) is kept as a kind named after it."""

from django.db import migrations

DEFAULTS = (
    ("wholesale", "Wholesale", 0),
    ("small_wholesale", "Small wholesale", 1),
    ("retail", "Retail", 2),
)
DEFAULT_CODE = "retail"


def seed(apps, schema_editor):
    Company = apps.get_model("companies", "Company")
    PriceList = apps.get_model("suppliers", "PriceList")
    CustomerKind = apps.get_model("suppliers", "CustomerKind")
    used: dict[int, set[str]] = {}
    for supplier_id, code in PriceList.objects.values_list("supplier_id", "kind").distinct():
        used.setdefault(supplier_id, set()).add(code)
    supplier_ids = set(Company.objects.filter(is_supplier=True).values_list("pk", flat=True))
    for supplier_id in sorted(supplier_ids | set(used)):
        have = set(
            CustomerKind.objects.filter(supplier_id=supplier_id).values_list("code", flat=True)
        )
        rows = [
            CustomerKind(
                supplier_id=supplier_id,
                code=code,
                name=name,
                position=position,
                is_default=code == DEFAULT_CODE
                and not CustomerKind.objects.filter(supplier_id=supplier_id, is_default=True).exists(),
            )
            for code, name, position in DEFAULTS
            if code not in have
        ]
        known = {code for code, _n, _p in DEFAULTS} | have
        rows += [
            CustomerKind(supplier_id=supplier_id, code=code, name=code.replace("_", " "), position=9)
            for code in sorted(used.get(supplier_id, set()) - known)
        ]
        CustomerKind.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0002_kinds_and_stock"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
