"""Plugin contract, discovery, install/uninstall."""
