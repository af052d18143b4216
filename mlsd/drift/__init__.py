"""Drift detection: distribution tests, label-free performance estimates, error-rate detectors."""
