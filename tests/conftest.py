"""Shared test set-up: charts render off-screen."""

import matplotlib

matplotlib.use("Agg")  # tests only; src/ never chooses a backend
