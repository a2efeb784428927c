"""factory-boy factories for shop.accounts: users, merchants and their staff memberships."""

import factory
from factory.django import DjangoModelFactory

from shop.accounts.models import Merchant, MerchantMembership, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"User {n}")
    is_active = True
    is_staff = False

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):  # noqa: N805 - factory-boy passes the object
        obj.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class MerchantFactory(DjangoModelFactory):
    class Meta:
        model = Merchant
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Merchant {n}")
    slug = factory.Sequence(lambda n: f"merchant-{n}")
    is_active = True
    email = factory.LazyAttribute(lambda o: f"{o.slug}@example.com")


class MerchantMembershipFactory(DjangoModelFactory):
    class Meta:
        model = MerchantMembership

    user = factory.SubFactory(UserFactory, is_staff=True)
    merchant = factory.SubFactory(MerchantFactory)
    role = MerchantMembership.Role.STAFF
