"""A VGG19 feature extractor for the perceptual loss, in plain torch layers, loading the user's weights.

torchvision is not a dependency; this module rebuilds ``torchvision.models.vgg19().features`` layer by
layer so that its state dict keys (``features.0.weight`` ... ``features.34.bias``) match a torchvision
VGG19 checkpoint. The weights are the user's file, loaded with ``weights_only=True``; the classifier
keys of a full checkpoint are ignored.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from studio.core.errors import UserError
from studio.engine.torch_files import load_torch_file

# torchvision's configuration "E": channels of each conv, "M" for a 2x2 max pool.
LAYOUT = (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M")
# Feature indices ending the slices relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 (as the FOMM Vgg19).
SLICE_ENDS = (2, 7, 12, 21, 30)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def vgg19_features() -> nn.Sequential:
    """The ``features`` part of torchvision's VGG19, with the same layer indices."""
    layers: list[nn.Module] = []
    channels = 3
    for item in LAYOUT:
        if item == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers += [nn.Conv2d(channels, int(item), kernel_size=3, padding=1), nn.ReLU(inplace=False)]
            channels = int(item)
    return nn.Sequential(*layers)


class Vgg19(nn.Module):
    """Frozen VGG19 returning the relu1_1 ... relu5_1 activations of an image in [0, 1] (B x 3 x H x W)."""

    def __init__(self) -> None:
        super().__init__()
        self.features = vgg19_features()
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), persistent=False)
        self.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Five feature maps, from fine to coarse."""
        out = (x - self.mean) / self.std
        maps = []
        start = 0
        for end in SLICE_ENDS:
            for index in range(start, end):
                out = self.features[index](out)
            maps.append(out)
            start = end
        return maps


def load_vgg19(path: str | Path) -> Vgg19:
    """A Vgg19 with the ``features.*`` weights of a torchvision-layout checkpoint file, in eval mode."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"VGG19 weights not found: {path}; give the path of a torchvision vgg19 .pth file")
    state = load_torch_file(path, "a VGG19 state dict", "give torchvision's vgg19 weights (.pth)")
    if not isinstance(state, dict):
        raise UserError(f"{path} is not a VGG19 state dict; give torchvision's vgg19 weights (.pth)")
    model = Vgg19()
    expected = model.state_dict()
    features = {key: value for key, value in state.items() if isinstance(key, str) and key.startswith("features.")}
    for key, target in expected.items():
        value = features.get(key)
        if not isinstance(value, torch.Tensor) or value.shape != target.shape:
            raise UserError(f"{path} does not hold VGG19 weights: '{key}' is missing or has the wrong shape")
    model.load_state_dict({key: features[key] for key in expected}, strict=True)
    return model.eval()
