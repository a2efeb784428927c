"""Create N buyer accounts and print one buyer token per line (for load tests and rehearsals).

manage.py flashsale_seed_buyers 1500 --prefix fsbuyer > tokens.txt
# each line: <user id> <token>; send the token as the X-Flash-Token header of
# POST /flash/api/sales/<id>/buy and GET /flash/api/reservations/<rid>
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand

from apps.flashsale.tokens import buyer_token_issue


def buyers_seed(*, count: int, prefix: str = "fsbuyer", domain: str = "example.com") -> list[tuple[int, str]]:
    """(user id, token) for `count` buyers `<prefix><n>@<domain>`, created when missing (bulk)."""
    user_model = get_user_model()
    emails = [f"{prefix}{n}@{domain}" for n in range(1, count + 1)]
    existing = set(user_model.objects.filter(email__in=emails).values_list("email", flat=True))
    unusable = make_password(None)
    user_model.objects.bulk_create(
        [
            user_model(email=email, full_name=email.split("@")[0], password=unusable)
            for email in emails
            if email not in existing
        ],
        batch_size=1000,
    )
    ids = dict(user_model.objects.filter(email__in=emails).values_list("email", "pk"))
    return [(ids[email], buyer_token_issue(user_id=ids[email])) for email in emails]


class Command(BaseCommand):
    help = "Create N buyers (unusable passwords) and print '<user id> <buyer token>' per line."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--prefix", default="fsbuyer")
        parser.add_argument("--domain", default="example.com")

    def handle(self, *args, count, prefix, domain, **options):
        for user_id, token in buyers_seed(count=count, prefix=prefix, domain=domain):
            self.stdout.write(f"{user_id} {token}")
