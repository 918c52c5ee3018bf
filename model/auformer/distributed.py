"""Data-parallel training under ``torchrun`` (DDP): process group, rank, device, reductions.

``torchrun --nproc_per_node N -m auformer.train ...`` sets RANK / WORLD_SIZE / LOCAL_RANK; each
process then trains on 1/N of every epoch (DistributedSampler) with ``batch_size`` samples per
step, and DDP averages the gradients, so N processes at batch B follow one process at batch
N*B. Only rank 0 writes files and logs. Without torchrun everything is a world of one.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class World:
    rank: int
    size: int
    device: torch.device
    owns_group: bool  # we created the process group (and destroy it at the end)

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def setup_world(device: str) -> World:
    """Joins the torchrun process group when WORLD_SIZE > 1 (NCCL on CUDA, gloo on CPU)."""
    size = int(os.environ.get("WORLD_SIZE", "1"))
    dev = resolve_device(device)
    if size <= 1:
        return World(0, 1, dev, False)
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if dev.type == "cuda":
        dev = torch.device("cuda", local)
        torch.cuda.set_device(dev)
    owns = not dist.is_initialized()
    if owns:
        dist.init_process_group("nccl" if dev.type == "cuda" else "gloo")
    return World(dist.get_rank(), dist.get_world_size(), dev, owns)


def mean_over_world(value: torch.Tensor, world: World) -> torch.Tensor:
    """The mean of a tensor over all processes (for logging the global loss)."""
    if world.size == 1:
        return value.detach()
    v = value.detach().clone()
    dist.all_reduce(v)
    return v / world.size


def from_main(obj: object, world: World) -> object:
    """Rank 0's ``obj`` on every process (e.g. the held-out scores only rank 0 computes)."""
    if world.size == 1:
        return obj
    box = [obj]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def barrier(world: World) -> None:
    if world.size > 1:
        dist.barrier()


def teardown(world: World) -> None:
    if world.owns_group and dist.is_initialized():
        dist.destroy_process_group()
