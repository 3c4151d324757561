"""``python -m twin ...``: the ``twin`` command."""
from twin.io.cli import main

raise SystemExit(main())
