"""The bundle's ``marionette-studio`` executable: the same entry as ``python main.py``."""

import sys

from studio.entry import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
