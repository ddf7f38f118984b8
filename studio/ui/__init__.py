"""PySide6 widgets: the only package that imports QtWidgets. Holds no animation logic."""
