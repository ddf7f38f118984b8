"""Long jobs that span layers (render + encode): plain functions with progress and cancel."""
