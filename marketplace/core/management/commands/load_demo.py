"""Load the demo data `make run` shows: platforms, verified companies and their people.

Safe to run again: every object is looked up by a natural key first, and passwords are reset
to the printed demo password.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from marketplace.companies.identifiers import normalise
from marketplace.companies.models import Company, Membership, MembershipRole, VerificationStatus
from marketplace.platforms.models import (
    ParticipationStatus,
    Platform,
    PlatformAdmin,
    PlatformKind,
    PlatformMembership,
)
from marketplace.users.models import User

DEMO_PASSWORD = "tradefloor-demo"

COMPANIES = [
    # Identifiers are made up but pass their checksums (python-stdnum).
    # key, legal name, country, registration number, tax id, buyer, supplier, city
    ("agro", "ТОВ «Агро Закупівлі»", "UA", "41273456", "", True, False, "Київ"),
    ("steel", "ТОВ «Дніпро Сталь Постач»", "UA", "41273461", "", False, True, "Дніпро"),
    ("fuel", "ООО «Северный Топливный Терминал»", "RU", "1027709912306", "7709123453", False, True, "Москва"),
    ("logi", "Baltic Freight Supply OÜ", "EE", "14193478", "EE100000007", True, True, "Tallinn"),
]  # fmt: skip

PEOPLE = [
    # e-mail, name, company key, roles
    ("buyer@demo.tradefloor.local", "Олена Коваль", "agro",
     [MembershipRole.COMPANY_ADMIN, MembershipRole.PROCUREMENT_OFFICER]),
    ("steel@demo.tradefloor.local", "Андрій Мельник", "steel",
     [MembershipRole.COMPANY_ADMIN, MembershipRole.BIDDER]),
    ("fuel@demo.tradefloor.local", "Ирина Соколова", "fuel",
     [MembershipRole.COMPANY_ADMIN, MembershipRole.BIDDER]),
    ("baltic@demo.tradefloor.local", "Kristjan Tamm", "logi",
     [MembershipRole.COMPANY_ADMIN, MembershipRole.BIDDER, MembershipRole.PROCUREMENT_OFFICER]),
    ("manager@demo.tradefloor.local", "Марія Шевченко", "agro", [MembershipRole.ACCOUNT_MANAGER]),
]  # fmt: skip


class Command(BaseCommand):
    help = "Load (or refresh) the demo platform, companies and users, and print the log-ins."

    @transaction.atomic
    def handle(self, *args, **options):
        now = timezone.now()
        admin, _ = User.objects.get_or_create(
            email="admin@demo.tradefloor.local",
            defaults={"full_name": "Platform Admin", "is_staff": True, "is_superuser": True},
        )
        admin.is_staff = admin.is_superuser = True
        admin.set_password(DEMO_PASSWORD)
        admin.save()

        public, _ = Platform.objects.get_or_create(
            slug="public",
            defaults={
                "name": "Tradefloor Public",
                "kind": PlatformKind.PUBLIC,
                "default_currency": "UAH",
                "description": "The open platform for verified buyers and suppliers.",
            },
        )
        PlatformAdmin.objects.get_or_create(platform=public, user=admin)

        companies: dict[str, Company] = {}
        for key, name, country, reg, tax, buyer, supplier, city in COMPANIES:
            ids = normalise(country, reg, tax)
            company = Company.objects.filter(
                country=country, registration_number=ids.registration_number
            ).first()
            if company is None:
                company = Company.objects.create(
                    legal_name=name, country=country, registration_number=ids.registration_number,
                    tax_id=ids.tax_id,
                    is_buyer=buyer, is_supplier=supplier, city=city, created_by=admin,
                    verification_status=VerificationStatus.VERIFIED, verified_at=now,
                )  # fmt: skip
            companies[key] = company
            PlatformMembership.objects.get_or_create(
                platform=public,
                company=company,
                defaults={"status": ParticipationStatus.ACCEPTED, "decided_by": admin,
                          "decided_at": now},
            )  # fmt: skip

        dedicated, _ = Platform.objects.get_or_create(
            slug="agro-procurement",
            defaults={
                "name": "Агро Закупівлі: власний майданчик",
                "kind": PlatformKind.DEDICATED,
                "owner": companies["agro"],
                "default_currency": "UAH",
                "description": "A dedicated procurement platform of one client.",
            },
        )
        for key in ("agro", "steel"):
            PlatformMembership.objects.get_or_create(
                platform=dedicated,
                company=companies[key],
                defaults={"status": ParticipationStatus.ACCEPTED, "decided_by": admin,
                          "decided_at": now},
            )  # fmt: skip

        for email, full_name, key, roles in PEOPLE:
            user, _ = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
            user.set_password(DEMO_PASSWORD)
            user.save()
            for role in roles:
                Membership.objects.get_or_create(user=user, company=companies[key], role=role)
            if key == "agro" and MembershipRole.COMPANY_ADMIN in roles:
                PlatformAdmin.objects.get_or_create(platform=dedicated, user=user)

        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Log in at /accounts/login/ as:"))
        rows = [("admin@demo.tradefloor.local", "platform admin (operator staff)")]
        rows += [(e, f"{companies[k].legal_name}: {', '.join(str(r.label) for r in rs)}")
                 for e, _n, k, rs in PEOPLE]  # fmt: skip
        for email, what in rows:
            self.stdout.write(f"  {email:<34} {DEMO_PASSWORD:<16} {what}")
