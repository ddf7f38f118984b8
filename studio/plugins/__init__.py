"""Plugin contract, discovery, install/uninstall.

api: the versioned contract and the Registry; manifest: plugin.toml; discovery: default_registry();
install: install/remove/enable/disable; weights: safe weight loading; guard: crash-proof generators.
"""
