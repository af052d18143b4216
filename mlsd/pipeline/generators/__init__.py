"""Synthetic data generators, each with a known ground truth (the oracle)."""
