"""Communication terminals: the optical inter-satellite terminal and the ground downlink.

Frozen dataclasses with sourced defaults, validated like :mod:`twin.design` (a bad value raises
an error naming ``Class.field``, the value and the allowed range).  They live apart from
:class:`twin.SatelliteDesign` on purpose: the bus books the terminals' power as
``Bus.laser_terminals_w`` and their mass in the mass model; :attr:`OpticalTerminal.power_w`
and :attr:`OpticalTerminal.mass_kg` are the per-terminal figures those totals are made of
(docs/links.md, "Power and mass").
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from ephemeris.validation import field_number


def _whole(obj, name, lo, hi):
    v = getattr(obj, name)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise ValueError(f"{type(obj).__name__}.{name}={v!r} is out of range; allowed: whole "
                         f"numbers in [{lo}, {hi}]")


class _Table:
    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d, table=None):
        table = table or cls.__name__
        if not isinstance(d, dict):
            raise TypeError(f"[{table}] must be a table (dict), got {type(d).__name__}")
        valid = [f.name for f in fields(cls)]
        for key in d:
            if key not in valid:
                raise ValueError(f"unknown key {key!r} in table [{table}]; valid keys: "
                                 f"{', '.join(valid)}")
        return cls(**d)


@dataclass(frozen=True)
class OpticalTerminal(_Table):
    """One optical inter-satellite link terminal (both ends of a link are alike).

    Defaults and sources:

    * ``aperture_m`` = 0.10 m: telescope diameter of the 100 Gbit/s-class LEO terminals
      (Tesat SCOT80 80 mm, Mynaric CONDOR Mk3 ~100 mm, vendor data sheets).
    * ``tx_power_w`` = 2.0 W optical: an erbium-doped fibre amplifier booster of the C-band
      terminals (1-5 W; ESA/Tesat LCT 2.2 W on EDRS, 5 W on Alphasat). Assumption: 2 W.
    * ``wavelength_nm`` = 1550 nm: C band, where DWDM components exist (ITU-T G.694.1 grid).
    * ``jitter_urad`` = 1.0 urad rms: residual pointing jitter of fine-pointing assemblies
      (sub-urad on the EDRS LCT). Assumption: 1 urad for a small LEO terminal.
    * ``photons_per_bit`` = 250: receiver sensitivity; -35 dBm at 10 Gbit/s for a
      preamplified receiver is ~250 photons/bit at 1550 nm (Kaushal & Kaddoum 2017, sec. III;
      coherent lab receivers reach < 10). Assumption, conservative for flight hardware.
    * ``channels`` = 8 and ``channel_rate_gbps`` = 100: DWDM channels of 100 Gbit/s; 8 x 100 =
      800 Gbit/s each way, i.e. 1.6 Tbit/s per transceiver pair, the Suncatcher bench
      demonstration (Google 2025: "800 Gbps each-way (1.6 Tbps total)").
    * ``optics_efficiency`` = 0.5: product of both terminals' optical throughputs and coupling
      into fibre (Kaushal & Kaddoum 2017 use 0.5-0.8). Assumption: 0.5.
    * ``power_w`` = 150 W electrical per terminal (what ``Bus.laser_terminals_w`` = 600 W books
      for four terminals; CONDOR Mk3-class terminals draw ~100-150 W with their pointing,
      thermal control and modems).
    * ``mass_kg`` = 15 kg per terminal (Tesat SCOT80 and CONDOR-class terminals, 10-15 kg;
      assumption 15 kg).
    * ``terminals`` = 4: four links per satellite, as in the +Grid topology.
    * ``grazing_height_km`` = 80 km: a link is blocked when it passes lower than this above
      the Earth's surface (Kassing et al. 2020, Hypatia).
    """

    aperture_m: float = 0.10
    tx_power_w: float = 2.0
    wavelength_nm: float = 1550.0
    jitter_urad: float = 1.0
    photons_per_bit: float = 250.0
    channels: int = 8
    channel_rate_gbps: float = 100.0
    optics_efficiency: float = 0.5
    power_w: float = 150.0
    mass_kg: float = 15.0
    terminals: int = 4
    grazing_height_km: float = 80.0

    def __post_init__(self):
        field_number(self, "aperture_m", 0.0, 2.0, lo_open=True, unit="m")
        field_number(self, "tx_power_w", 0.0, 1000.0, lo_open=True, unit="W")
        field_number(self, "wavelength_nm", 200.0, 20000.0, unit="nm")
        field_number(self, "jitter_urad", 0.0, 1000.0, unit="urad")
        field_number(self, "photons_per_bit", 1.0, 1e6, unit="photons/bit")
        _whole(self, "channels", 1, 1000)
        field_number(self, "channel_rate_gbps", 0.0, 10000.0, lo_open=True, unit="Gbit/s")
        field_number(self, "optics_efficiency", 0.0, 1.0, lo_open=True)
        field_number(self, "power_w", 0.0, 10000.0, unit="W")
        field_number(self, "mass_kg", 0.0, 1000.0, unit="kg")
        _whole(self, "terminals", 1, 64)
        field_number(self, "grazing_height_km", 0.0, 1000.0, unit="km")

    @property
    def wavelength_m(self) -> float:
        return self.wavelength_nm * 1e-9

    @property
    def total_power_w(self) -> float:
        """Electrical power of all the satellite's terminals [W]."""
        return self.power_w * self.terminals

    @property
    def total_mass_kg(self) -> float:
        """Mass of all the satellite's terminals [kg]."""
        return self.mass_kg * self.terminals


@dataclass(frozen=True)
class Downlink(_Table):
    """The satellite-to-ground link used during contacts.

    * ``rate_gbps`` = 2.0 Gbit/s: a Ka-band (25.5-27 GHz) downlink with DVB-S2X; Earth
      observation satellites fly 1.2-3.6 Gbit/s (e.g. WorldView-4 1.2 Gbit/s X-band,
      Landsat-9 0.38 Gbit/s X; Ka-band 2-4 Gbit/s class modems). Assumption: 2 Gbit/s held
      over the pass above the station's elevation mask (adaptive coding makes the rate vary
      with range; a fixed rate is the simplification stated in docs/links.md).
    * ``availability`` = 0.95: fraction of passes not lost to rain fade at Ka band for a
      mid-latitude station at a few dB margin (ITU-R P.618). For optical ground links, cloud
      cover makes it 0.3-0.7 per station (assumption; set it for your sites).
    """

    rate_gbps: float = 2.0
    availability: float = 0.95

    def __post_init__(self):
        field_number(self, "rate_gbps", 0.0, 10000.0, lo_open=True, unit="Gbit/s")
        field_number(self, "availability", 0.0, 1.0)
