"""Entry point: ``python main.py`` opens the studio; ``python main.py <command>`` runs headless."""

from __future__ import annotations

import sys

from studio.entry import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
