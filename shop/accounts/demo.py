"""Demo accounts for `manage.py seed_demo`: a platform superuser and four merchants, each with one
staff login. Idempotent: users, merchants and memberships are found by their natural keys."""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from shop.accounts.models import Merchant, MerchantMembership, User

# Documented in the README; the demo database is never a production one.
DEMO_PASSWORD = "shop-demo-password"
ADMIN_EMAIL = "admin@shop.test"
MERCHANT_STAFF_GROUP = "Merchant staff"

DEMO_MERCHANTS: tuple[tuple[str, str], ...] = (
    ("red-lantern", "Red Lantern Trading"),
    ("blue-harbor", "Blue Harbor Goods"),
    ("green-valley", "Green Valley Market"),
    ("golden-panda", "Golden Panda Store"),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str

    def __str__(self) -> str:
        return f"login {self.email} / {self.password} ({self.role})"


def demo_merchant_ids() -> list[int]:
    """The demo merchants' ids in a stable order, creating the merchants if they are missing."""
    ids = []
    for slug, name in DEMO_MERCHANTS:
        merchant, _ = Merchant.objects.get_or_create(
            slug=slug, defaults={"name": name, "email": f"{slug}@shop.test"}
        )
        ids.append(merchant.pk)
    return ids


def _user_get_or_create(*, email: str, full_name: str, is_superuser: bool) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=full_name, is_staff=True, is_superuser=is_superuser)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


@transaction.atomic
def accounts_seed_demo(*, products: int) -> list[DemoLogin]:
    """Create the demo logins (`products` is unused here; every seeder takes the same options)."""
    logins = [DemoLogin(email=ADMIN_EMAIL, password=DEMO_PASSWORD, role="platform superuser")]
    _user_get_or_create(email=ADMIN_EMAIL, full_name="Platform Admin", is_superuser=True)
    staff_group, _ = Group.objects.get_or_create(name=MERCHANT_STAFF_GROUP)
    for number, merchant_id in enumerate(demo_merchant_ids(), start=1):
        email = f"merchant{number}@shop.test"
        user = _user_get_or_create(email=email, full_name=f"Merchant {number} Staff", is_superuser=False)
        user.groups.add(staff_group)
        MerchantMembership.objects.get_or_create(
            user=user, merchant_id=merchant_id, defaults={"role": MerchantMembership.Role.OWNER}
        )
        merchant_name = DEMO_MERCHANTS[number - 1][1]
        logins.append(DemoLogin(email=email, password=DEMO_PASSWORD, role=f"staff of {merchant_name}"))
    return logins
