"""VAT numbers for tests."""

import random

from stdnum.bg import vat as bg_vat


def new_bg_number() -> str:
    """A Bulgarian company VAT number (valid ЕИК check digit) no other test uses."""
    body = f"{random.randrange(10**8):08d}"
    return f"BG{body}{bg_vat.calc_check_digit_legal(body)}"
