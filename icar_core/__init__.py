"""icar: how a one-layer transformer learns a rule from its context (Sander et al., ICML 2024)."""
