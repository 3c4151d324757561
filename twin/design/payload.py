"""The compute payload of the satellite design (:class:`ComputePayload`): GPUs, hosts, their
thermal path, throughput curve, shield and spares."""
from __future__ import annotations

from dataclasses import dataclass

from ephemeris.validation import (
    TableMixin,
    field_choice,
    field_count,
    field_number,
)
from twin.models.thermal import ZERO_C_K

#: The workload's power-to-throughput curves (:attr:`ComputePayload.throughput_curve`).
THROUGHPUT_CURVES = ("dvfs", "linear")


@dataclass(frozen=True)
class ComputePayload(TableMixin):
    """GPU payload: GB300-class GPUs with their hosts on a liquid cooling loop.

    Attributes
    ----------
    gpus : int, default 64
        GPUs installed (0 allowed: a power-only satellite).
    gpu_power_w : float, default 1400.0
        Rated board power per GPU [W]: GB300 (Blackwell Ultra) 1,400 W (NVIDIA developer blog
        "Inside NVIDIA Blackwell Ultra").  At this power one GPU is one GB300-equivalent.
    host_power_w_per_gpu : float, default 400.0
        Host share per GPU: Grace CPU, NICs, switches, storage [W] (assumption: 0.3-0.5 kW from
        a GB300 NVL72 rack's 120-140 kW for 72 GPUs minus 72 x 1.4 kW).
    idle_fraction : float, default 0.12
        GPU idle power / rated power [1] (assumption: typical data-centre GPU idle 10-15 %).
    min_power_fraction : float, default 0.50
        Lowest per-GPU power cap before whole GPUs are switched off [1] (operating-policy
        assumption; throughput falls faster below ~50 %).  Must be in [idle_fraction, 1].
    max_gpu_temp_c : float, default 85.0
        GPU temperature limit [degC] (throttling begins around 85-90 C junction; vendor
        thermal specifications); the lower end is taken.
    thermal_resistance_k_per_w : float, default 0.03
        GPU junction-to-coolant resistance [K/W] (assumption: liquid cold plate and loop
        0.02-0.04 K/W for a 1-1.4 kW GPU, a 42 K rise at 1.4 kW).
    dvfs_exponent : float, default 3.0
        Exponent of dynamic power in the clock (P_dyn ~ f^3 with V ~ f); see
        :func:`twin.compute.throughput_fraction`, calibrated to ~80-90 % throughput at 60-70 %
        power (McDonald et al. 2022, arXiv:2205.09646; Zhao et al., SoCC 2023).
    throughput_curve : str, default "dvfs"
        The workload's power-to-throughput curve: "dvfs" (compute-bound work such as dense
        training: the DVFS curve with ``dvfs_exponent``; 20 % less power costs ~7 % of
        throughput) or "linear" (memory- or interconnect-bound work, whose throughput does
        not recover what a lower clock saves: throughput falls in proportion to the power
        above idle, i.e. the same curve with exponent 1; 20 % less power costs ~23 %).
    shield_mm : float, default 2.0
        Aluminium-equivalent shield around the compute payload [mm], for the ionising dose
        (:mod:`twin.models.radiation`) and the shield mass (assumption: 2 mm is the usual
        equipment-box reference, e.g. the ESA SWE total-dose indicator uses 0.5 + 1.5 mm).
    spare_gpus : int, default 0
        Cold-spare GPUs carried beyond ``gpus`` that replace failed ones (no repair in orbit;
        :mod:`twin.models.attrition`); they add mass and cost.  0: a design choice to make.
    """

    gpus: int = 64
    gpu_power_w: float = 1400.0
    host_power_w_per_gpu: float = 400.0
    idle_fraction: float = 0.12
    min_power_fraction: float = 0.50
    max_gpu_temp_c: float = 85.0
    thermal_resistance_k_per_w: float = 0.03
    dvfs_exponent: float = 3.0
    throughput_curve: str = "dvfs"
    shield_mm: float = 2.0
    spare_gpus: int = 0

    def __post_init__(self):
        field_count(self, "gpus", 0, 1_000_000)
        field_number(self, "gpu_power_w", 0.0, 1.0e5, lo_open=True, unit="W")
        field_number(self, "host_power_w_per_gpu", 0.0, 1.0e5, unit="W")
        field_number(self, "shield_mm", 0.0, 100.0, unit="mm")
        field_count(self, "spare_gpus", 0, 1_000_000)
        field_number(self, "idle_fraction", 0.0, 1.0, hi_open=True)
        field_number(self, "min_power_fraction", self.idle_fraction, 1.0, lo_open=True,
                unit=f"(above idle_fraction={self.idle_fraction:g})")
        field_number(self, "max_gpu_temp_c", -50.0, 150.0, unit="degC")
        field_number(self, "thermal_resistance_k_per_w", 0.0, 1.0, lo_open=True, unit="K/W")
        field_number(self, "dvfs_exponent", 1.0, 10.0, unit="(1 = linear, 3 = cubic)")
        field_choice(self, "throughput_curve", THROUGHPUT_CURVES)
        coolant_k = self.max_gpu_temp_c + ZERO_C_K - self.thermal_resistance_k_per_w \
            * self.gpu_power_w
        if coolant_k <= 100.0:
            r_max = (self.max_gpu_temp_c + ZERO_C_K - 100.0) / self.gpu_power_w
            raise ValueError(
                f"ComputePayload.thermal_resistance_k_per_w={self.thermal_resistance_k_per_w!r}"
                f" is out of range; allowed: < {r_max:g} K/W (with gpu_power_w="
                f"{self.gpu_power_w:g} W and max_gpu_temp_c={self.max_gpu_temp_c:g} C the "
                "coolant would have to be below 100 K)")

    @property
    def max_gpu_temp_k(self) -> float:
        """GPU temperature limit [K]."""
        return self.max_gpu_temp_c + ZERO_C_K

    @property
    def throughput_exponent(self) -> float:
        """Exponent of the power-to-throughput curve in use: ``dvfs_exponent`` for "dvfs",
        1 for "linear"."""
        return 1.0 if self.throughput_curve == "linear" else self.dvfs_exponent

    @property
    def full_power_w(self) -> float:
        """Payload power with every GPU at rated power, gpus * (gpu + host) [W]."""
        return self.gpus * (self.gpu_power_w + self.host_power_w_per_gpu)
