"""icar: how a one-layer transformer learns a rule from its context (Sander et al., ICML 2024).

The package itself imports nothing: the dashboard's server imports :mod:`icar_core.warmup` at its start and
must not wait for torch there (the warm-up imports it in a thread).
"""
