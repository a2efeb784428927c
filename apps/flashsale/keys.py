"""Redis key names of one sale. The `{<id>}` hash tag keeps a sale's keys on one Redis Cluster slot,
so its Lua script (which touches them all) stays legal on a cluster."""

from dataclasses import dataclass

from django.conf import settings

GROUP = "workers"


@dataclass(frozen=True)
class SaleKeys:
    meta: str
    stock: str
    buyers: str
    stream: str
    owners: str
    admitted: str
    stats: str

    @property
    def all(self) -> tuple[str, ...]:
        return (self.meta, self.stock, self.buyers, self.stream, self.owners, self.admitted)


def sale_keys(sale_id: int) -> SaleKeys:
    base = f"{settings.FLASHSALE_KEY_PREFIX}:{{{int(sale_id)}}}"
    return SaleKeys(
        meta=f"{base}:meta",
        stock=f"{base}:stock",
        buyers=f"{base}:buyers",
        stream=f"{base}:stream",
        owners=f"{base}:owners",
        admitted=f"{base}:admitted",
        stats=f"{base}:sec",
    )


def soldout_channel() -> str:
    return f"{settings.FLASHSALE_KEY_PREFIX}:soldout"
