"""The ground data centre counted in GPUs: :class:`GroundDataCenter` (GPU board power, host
share, cooling and power-equipment overheads or a PUE), answering "how many GB300 does a
gigawatt feed on the ground?".
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ephemeris.validation import field_choice, field_number

__all__ = ["GroundDataCenter"]

# --- validation helpers (shared: ephemeris.validation) ------------------------------------------
_field_number = field_number
_field_choice = field_choice


@dataclass(frozen=True)
class GroundDataCenter:
    """A ground data centre counted in GPUs (GB300-equivalents at the default 1.4 kW).

    Facility power per GPU = IT power per GPU x overhead factor, where IT = GPU board power +
    host share, and the overhead factor is either

    * ``overheads="compound"`` (default): (1 + cooling) x (1 + power equipment), i.e. the power
      chain also carries the cooling load; or
    * ``overheads="add"``: 1 + cooling + power equipment; or
    * ``pue`` given: the facility PUE replaces both (facility = IT x PUE).

    With the defaults (1.4 + 0.4 = 1.8 kW IT): compound 1.8 x 1.40 x 1.225 = 3.087 kW, added
    1.8 x 1.625 = 2.925 kW, both inside the 2.8-3.2 kW that "1 GW feeds ~330,000 GB300"
    implies (1e9 / 330,000 = 3.03 kW): 323,939 (compound) or 341,880 (added) GPUs per GW.
    Over the whole quoted ranges (IT 1.7-1.8 kW, power equipment 1.20-1.25) compounding gives
    1.7 x 1.4 x 1.20 = 2.86 to 1.8 x 1.4 x 1.25 = 3.15 kW.

    Attributes
    ----------
    gpu_power_w : float, default 1400.0
        GPU board power [W], > 0: GB300 (Blackwell Ultra) 1,400 W (NVIDIA developer blog
        "Inside NVIDIA Blackwell Ultra").  One such GPU at rated throughput = 1 GB300-eq.
    host_power_w_per_gpu : float, default 400.0
        Host share per GPU: Grace CPU, NVLink switches, NICs, storage [W], >= 0 (assumption:
        a GB300 NVL72 rack draws ~120-140 kW for 72 GPUs, i.e. 1.7-1.9 kW IT per GPU, minus
        1.4 kW; the same default as :class:`twin.design.ComputePayload`).
    cooling_overhead : float, default 0.40
        Cooling power / IT power [1], in [0, 5] (the "+40 %" of the Dwarkesh Podcast, Feb 2026,
        claim; chillers, pumps and fans of an air/liquid plant in a warm climate).
    power_equipment_overhead : float, default 0.225
        Power conversion, distribution and reserve / load [1], in [0, 5] (the "+20-25 %" of the
        same claim; mid-range taken).
    overheads : str, default "compound"
        "compound" or "add" (see above).
    pue : float or None, default None
        Power usage effectiveness, facility / IT [1], in [1, 10]; replaces the two overheads
        when given.  Industry average 1.56 (2024), liquid-cooled hyperscale ~1.1-1.25 (Uptime
        Institute Global Data Center Survey 2024).

    References
    ----------
    .. [1] NVIDIA, "Inside NVIDIA Blackwell Ultra: The Chip Powering the AI Factory Era",
       NVIDIA Technical Blog, 2025 (GB300 1,400 W; NVL72 = 72 GPUs + 36 Grace CPUs).
    .. [2] Dwarkesh Podcast, Feb 2026: "1 GW feeds about 330,000 GB300" once cooling (+40 %)
       and power equipment (+20-25 %) are counted (project reference parameters).
    .. [3] Uptime Institute, Global Data Center Survey 2024 (average PUE 1.56).
    """

    gpu_power_w: float = 1400.0
    host_power_w_per_gpu: float = 400.0
    cooling_overhead: float = 0.40
    power_equipment_overhead: float = 0.225
    overheads: str = "compound"
    pue: float | None = None

    def __post_init__(self):
        _field_number(self, "gpu_power_w", 0.0, lo_open=True, unit="W")
        _field_number(self, "host_power_w_per_gpu", 0.0, unit="W")
        _field_number(self, "cooling_overhead", 0.0, 5.0)
        _field_number(self, "power_equipment_overhead", 0.0, 5.0)
        _field_choice(self, "overheads", ("compound", "add"))
        if self.pue is not None:
            _field_number(self, "pue", 1.0, 10.0)

    def it_power_w_per_gpu(self) -> float:
        """IT power per GPU: board power + host share [W] (1,800 W by default)."""
        return self.gpu_power_w + self.host_power_w_per_gpu

    def overhead_factor(self) -> float:
        """Facility power / IT power [1]: the PUE if given, else the two overheads compounded
        (1.40 x 1.225 = 1.715 by default) or added (1.625)."""
        if self.pue is not None:
            return self.pue
        if self.overheads == "compound":
            return (1.0 + self.cooling_overhead) * (1.0 + self.power_equipment_overhead)
        return 1.0 + self.cooling_overhead + self.power_equipment_overhead

    def facility_power_w_per_gpu(self) -> float:
        """Power drawn from the grid/generation per GPU: IT x overhead factor [W]
        (3,087 W by default; 2,925 W with ``overheads="add"``)."""
        return self.it_power_w_per_gpu() * self.overhead_factor()

    def facility_power_w(self, gpus):
        """Facility power of ``gpus`` GPUs [W] (vectorised)."""
        return np.asarray(gpus, dtype=float) * self.facility_power_w_per_gpu()

    def gpus_per_power(self, power_w):
        """GPUs a given generation power feeds [1] (vectorised, fractional)."""
        return np.asarray(power_w, dtype=float) / self.facility_power_w_per_gpu()

    def gb300_per_gw(self) -> float:
        """GPUs (GB300-equivalents at the default 1.4 kW) one gigawatt feeds [1]:
        1e9 W / facility power per GPU (323,939 by default; 341,880 with overheads added)."""
        return 1e9 / self.facility_power_w_per_gpu()

    def to_dict(self) -> dict:
        """Plain-dict copy of the fields plus the derived per-GPU powers and GB300 per GW."""
        d = dataclasses.asdict(self)
        d.update(it_power_w_per_gpu=self.it_power_w_per_gpu(),
                 overhead_factor=self.overhead_factor(),
                 facility_power_w_per_gpu=self.facility_power_w_per_gpu(),
                 gb300_per_gw=self.gb300_per_gw())
        return d
