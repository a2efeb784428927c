from dataclasses import dataclass


@dataclass(frozen=True)
class StockLine:
    variant_id: int
    quantity: int


@dataclass(frozen=True)
class StockLevel:
    variant_id: int
    available: int
    reserved: int
    sold: int
