"""The History panel: the undo stack as a list the animator can click back through."""
