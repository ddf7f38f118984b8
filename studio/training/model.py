"""The networks of one training run and the loss computation of one step (generator and discriminators)."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from studio.engine.fomm.checkpoint import build_models
from studio.engine.fomm.modules.generator import OcclusionAwareGenerator
from studio.engine.fomm.modules.keypoint_detector import KPDetector

from . import losses
from .discriminator import MultiScaleDiscriminator, SpatioTemporalDiscriminator
from .equivariance import RandomTps
from .settings import TrainingConfig
from .vgg19 import Vgg19, load_vgg19


@dataclass
class StepOutput:
    """What one generator step computed: weighted losses by name, and tensors for samples and the discriminators.

    source: B x 3 x S x S; driving, prediction: B x L x 3 x S x S; kp_source / kp_driving values B x K x 2
    (kp_driving of the first driving frame).
    """

    losses: dict[str, torch.Tensor]
    source: torch.Tensor
    driving: torch.Tensor
    prediction: torch.Tensor
    kp_source: torch.Tensor
    kp_driving: torch.Tensor
    extras: dict[str, torch.Tensor] = field(default_factory=dict)


def _repeat(kp: dict[str, torch.Tensor], times: int) -> dict[str, torch.Tensor]:
    """Each keypoint set repeated ``times`` times along the batch (for L driving frames per source)."""
    return {key: value.repeat_interleave(times, dim=0) for key, value in kp.items()}


class TrainingModels(nn.Module):
    """Generator, keypoint detector, discriminators, pyramid and (optional) VGG19 of one run."""

    def __init__(self, config: TrainingConfig):
        super().__init__()
        self.config = config
        generator, kp_detector = build_models(config.model)
        self.generator: OcclusionAwareGenerator = generator.train()
        self.kp_detector: KPDetector = kp_detector.train()
        train, disc = config.train, config.discriminator
        self.scales = train.scales
        self.pyramid = losses.ImagePyramid(train.scales, 3)
        self.discriminator: MultiScaleDiscriminator | None = None
        if config.adversarial():
            self.discriminator = MultiScaleDiscriminator(
                disc.scales, num_channels=3, block_expansion=disc.block_expansion, num_blocks=disc.num_blocks,
                max_features=disc.max_features, sn=disc.sn)
        self.temporal: SpatioTemporalDiscriminator | None = None
        if config.temporal():
            self.temporal = SpatioTemporalDiscriminator(
                config.clip_length(), num_channels=3, block_expansion=disc.block_expansion,
                num_blocks=disc.num_blocks, max_features=disc.max_features, sn=disc.sn)
        self.vgg: Vgg19 | None = None
        if train.vgg19_weights and any(train.loss_weights.perceptual):
            self.vgg = load_vgg19(train.vgg19_weights)

    def discriminator_parameters(self) -> list[nn.Parameter]:
        """Parameters of the patch and spatio-temporal discriminators (empty when neither is trained)."""
        params: list[nn.Parameter] = []
        for module in (self.discriminator, self.temporal):
            if module is not None:
                params += list(module.parameters())
        return params

    def detect(self, frames: torch.Tensor) -> dict[str, torch.Tensor]:
        """Keypoints of B x 3 x H x W frames, always in float32 (outside autocast): the jacobians get inverted,
        which half precision cannot do."""
        with torch.autocast(frames.device.type, enabled=False):
            return self.kp_detector(frames.float())

    def generator_step(self, batch: dict[str, torch.Tensor]) -> StepOutput:
        """Forward the generator on a batch and compute its weighted losses."""
        weights = self.config.train.loss_weights
        source, driving = batch["source"], batch["driving"]
        b, length = driving.shape[:2]
        frames = driving.flatten(0, 1)
        kp_source = self.detect(source)
        kp_driving = self.detect(frames)
        generated = self.generator(source.repeat_interleave(length, dim=0), kp_driving=kp_driving,
                                   kp_source=_repeat(kp_source, length))
        prediction = generated["prediction"]
        real, fake = self.pyramid(frames), self.pyramid(prediction)
        values: dict[str, torch.Tensor] = {}
        if any(weights.reconstruction):
            values["reconstruction"] = losses.pyramid_l1(real, fake, self.scales, weights.reconstruction)
        if self.vgg is not None:
            values["perceptual"] = losses.perceptual(self.vgg, real, fake, self.scales, weights.perceptual)
        values.update(self._gan_losses(real, fake))
        values.update(self._equivariance_losses(driving, kp_driving))
        clip_fake = prediction.view(b, length, *prediction.shape[1:])
        if weights.motion and length > 1 and "flow" in batch:
            deformation = generated["deformation"]
            values["motion"] = weights.motion * losses.motion_consistency(
                deformation.view(b, length, *deformation.shape[1:]), batch["flow"])
        if self.temporal is not None:
            _, temporal_map = self.temporal(clip_fake.transpose(1, 2))
            values["temporal_gan"] = weights.temporal_gan * ((1 - temporal_map) ** 2).mean()
        return StepOutput(values, source, driving, clip_fake, kp_source["value"],
                          kp_driving["value"].view(b, length, -1, 2)[:, 0])

    def _gan_losses(self, real: dict[str, torch.Tensor], fake: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """The generator's weighted GAN and feature-matching losses against the frame discriminator."""
        weights = self.config.train.loss_weights
        values: dict[str, torch.Tensor] = {}
        if self.discriminator is None:
            return values
        fake_maps = self.discriminator(fake)
        if weights.generator_gan:
            values["generator_gan"] = weights.generator_gan * losses.generator_gan(fake_maps, self.discriminator.scales)
        if any(weights.feature_matching):
            real_maps = self.discriminator(real)
            values["feature_matching"] = losses.feature_matching(
                real_maps, fake_maps, self.discriminator.scales, weights.feature_matching)
        return values

    def _equivariance_losses(self, driving: torch.Tensor,
                             kp_driving: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Weighted equivariance losses of the first driving frame under a random thin-plate-spline warp."""
        weights = self.config.train.loss_weights
        values: dict[str, torch.Tensor] = {}
        if not (weights.equivariance_value or weights.equivariance_jacobian):
            return values
        b, length = driving.shape[:2]
        first = {key: value.view(b, length, *value.shape[1:])[:, 0] for key, value in kp_driving.items()}
        params = self.config.train.transform_params
        transform = RandomTps(b, params.sigma_affine, params.sigma_tps, params.points_tps, driving.device)
        value, jacobian = losses.equivariance(self.detect, driving[:, 0], first, transform)
        if weights.equivariance_value:
            values["equivariance_value"] = weights.equivariance_value * value
        if weights.equivariance_jacobian and jacobian is not None:
            values["equivariance_jacobian"] = weights.equivariance_jacobian * jacobian
        return values

    def discriminator_step(self, output: StepOutput) -> dict[str, torch.Tensor]:
        """Weighted least-squares GAN losses of the discriminators on real and (detached) generated frames."""
        weights = self.config.train.loss_weights
        values: dict[str, torch.Tensor] = {}
        if self.discriminator is not None:
            real = self.pyramid(output.driving.flatten(0, 1))
            fake = self.pyramid(output.prediction.detach().flatten(0, 1))
            values["discriminator_gan"] = weights.discriminator_gan * losses.discriminator_gan(
                self.discriminator(real), self.discriminator(fake), self.discriminator.scales)
        if self.temporal is not None:
            _, real_map = self.temporal(output.driving.transpose(1, 2))
            _, fake_map = self.temporal(output.prediction.detach().transpose(1, 2))
            values["temporal_discriminator"] = weights.discriminator_gan * (
                (1 - real_map) ** 2 + fake_map**2).mean()
        return values

