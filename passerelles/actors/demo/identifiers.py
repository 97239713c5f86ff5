"""Fictional but valid identifiers: SIREN/SIRET with a correct Luhn key (python-stdnum), RNA
numbers "W" + 9 characters. Each is unique within one demo build."""

import random

from stdnum import luhn
from stdnum.fr import siren as stdnum_siren


class Identifiers:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.sirens: set[str] = set()
        self.rna_serial = 0

    def siren(self) -> str:
        while True:
            # Real SIRENs never start with 0; the ninth digit is the Luhn key.
            body = str(self.rng.randint(10_000_000, 99_999_999))
            number = body + luhn.calc_check_digit(body)
            if number not in self.sirens and stdnum_siren.is_valid(number):
                self.sirens.add(number)
                return number

    def siret(self, siren: str) -> str:
        """The head office's SIRET: SIREN + establishment number 0001 + a Luhn key."""
        body = siren + "0001"
        return body + luhn.calc_check_digit(body)

    def rna(self, department: str) -> str:
        """RNA numbers start with W and the prefecture's code (W451… for the Loiret)."""
        self.rna_serial += 1
        return f"W{department}{self.rna_serial:07d}"[:10]
