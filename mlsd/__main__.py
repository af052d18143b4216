"""Allow ``python -m mlsd``."""

from __future__ import annotations

from mlsd.cli.main import main

main()
