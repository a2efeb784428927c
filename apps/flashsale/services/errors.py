"""Refusals of the flash-sale services; str(error) is a message fit for the merchant or operator."""


class FlashSaleError(Exception):
    """Nothing was changed; the message says why."""


class FlashSaleNotFound(FlashSaleError):  # noqa: N818 - a domain word
    pass
