"""The machine translation cache."""
