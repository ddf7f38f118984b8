"""Pure ``nn.Module`` building blocks of the first-order motion model; they import only torch.

Constructor arguments are named exactly as the keys of the released YAML configs, and the
state-dict names match the released checkpoints.
"""
