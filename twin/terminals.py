"""Communication terminals: the optical inter-satellite terminal and the ground downlink.

Frozen dataclasses with sourced defaults, validated like :mod:`twin.design` (a bad value raises
an error naming ``Class.field``, the value and the allowed range).  They live apart from
:class:`twin.SatelliteDesign` on purpose: the bus books the terminals' power as
``Bus.laser_terminals_w`` and their mass in the mass model; :attr:`OpticalTerminal.power_w`
and :attr:`OpticalTerminal.mass_kg` are the per-terminal figures those totals are made of
(docs/links.md, "Power and mass").
"""
from __future__ import annotations

from dataclasses import dataclass

from ephemeris.validation import TableMixin, field_count, field_number
from twin.models.contacts import rf_rate_gbps


@dataclass(frozen=True)
class OpticalTerminal(TableMixin):
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
        field_count(self, "channels", 1, 1000)
        field_number(self, "channel_rate_gbps", 0.0, 10000.0, lo_open=True, unit="Gbit/s")
        field_number(self, "optics_efficiency", 0.0, 1.0, lo_open=True)
        field_number(self, "power_w", 0.0, 10000.0, unit="W")
        field_number(self, "mass_kg", 0.0, 1000.0, unit="kg")
        field_count(self, "terminals", 1, 64)
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
class Downlink(TableMixin):
    """The satellite-to-ground RF link used during contacts (a Ka-band budget per instant).

    The rate follows the range: C/N0 = EIRP + G/T - free-space loss - losses + 228.6 dB,
    R = C/N0 / (Eb/N0 required), at most ``max_rate_gbps``
    (:func:`twin.models.contacts.rf_rate_gbps`).  Defaults:

    * ``frequency_ghz`` = 26.0: the Ka-band Earth-exploration downlink allocation,
      25.5-27 GHz (ITU Radio Regulations, Art. 5).
    * ``eirp_dbw`` = 20.0 dBW: a ~10 W Ka-band amplifier on a ~20 cm steerable antenna
      (Ka-band EO downlinks fly 15-25 dBW). Assumption.
    * ``g_over_t_db_k`` = 32.0 dB/K: a 7.3 m Ka-band ground antenna (the 7.3 m class of the
      polar networks; 30-35 dB/K). Assumption.
    * ``losses_db`` = 4.0 dB: gases, clear-sky rain, pointing and polarisation at low
      elevation (ITU-R P.618 / P.676 orders of magnitude). Assumption.
    * ``required_ebn0_db`` = 6.0 dB: DVB-S2X 8PSK 3/4 needs ~4 dB for quasi-error-free
      reception (ETSI EN 302 307-2), plus 2 dB implementation margin.
    * ``max_rate_gbps`` = 3.0 Gbit/s: the modem's ceiling (Ka-band EO modems of 2-4 Gbit/s).
      Assumption.
    * ``availability`` = 0.95: fraction of contact time not lost to rain fade beyond the margin
      for a mid-latitude Ka-band station (ITU-R P.618); for optical ground links, cloud cover
      makes it 0.3-0.7 per station (assumption; set it for your sites).
    """

    frequency_ghz: float = 26.0
    eirp_dbw: float = 20.0
    g_over_t_db_k: float = 32.0
    losses_db: float = 4.0
    required_ebn0_db: float = 6.0
    max_rate_gbps: float = 3.0
    availability: float = 0.95

    def __post_init__(self):
        field_number(self, "frequency_ghz", 0.1, 1000.0, unit="GHz")
        field_number(self, "eirp_dbw", -50.0, 100.0, unit="dBW")
        field_number(self, "g_over_t_db_k", -50.0, 80.0, unit="dB/K")
        field_number(self, "losses_db", 0.0, 100.0, unit="dB")
        field_number(self, "required_ebn0_db", -10.0, 30.0, unit="dB")
        field_number(self, "max_rate_gbps", 0.0, 10000.0, lo_open=True, unit="Gbit/s")
        field_number(self, "availability", 0.0, 1.0)

    def rate_gbps(self, distance_km):
        """Rate [Gbit/s] at ``distance_km`` (before availability)."""
        return rf_rate_gbps(distance_km, self.eirp_dbw, self.g_over_t_db_k, self.frequency_ghz,
                            self.losses_db, self.required_ebn0_db, self.max_rate_gbps)
