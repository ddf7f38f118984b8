"""Training a first-order-motion model on the user's own videos (``python main.py train``).

The network is the one of ``studio.engine.fomm``; this package adds data loading, losses, the
discriminators, the optimisation loop, checkpoints and sample plots around it.
"""
