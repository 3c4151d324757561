"""Ground baselines in the orbital twin's units: a ground PV array and a ground data centre.

Two questions the orbital twin is compared against:

* **How much does the same solar cell yield on the ground?**  Annual DC energy per m^2 of
  cells [kWh/m^2/yr], mean power [W/m^2] and capacity factor, for a fixed-tilt or a
  single-axis-tracked array, under clear skies at any site (pvlib's Ineichen-Perez model with
  its bundled Linke turbidity climatology) or under real weather (pvlib's bundled TMY3 year
  for Greensboro, NC, the nearest TMY that pvlib ships to the default Memphis site).
* **How many GPUs does a gigawatt feed on the ground?**  A GPU with its host share, cooling
  overhead and power-equipment overhead (:class:`GroundDataCenter`).

Everything runs offline from the data pvlib ships in ``pvlib/data`` (``723170TYA.CSV``,
``LinkeTurbidities.h5``).  The chain, one pvlib function per step, composed by
:func:`pv_timeseries`::

    weather (GHI, DNI, DHI, air temperature, wind)      clearsky_year / tmy_year
      -> solar position                                 pvlib.solarposition.get_solarposition
      -> surface orientation (fixed or single-axis)     surface_orientation (pvlib.tracking)
      -> plane-of-array irradiance (Perez)              pvlib.irradiance.get_total_irradiance
      -> effective irradiance (IAM, beam + diffuse)     effective_irradiance (pvlib.iam)
      -> cell temperature (PVsyst or SAPM)              cell_temperature_c (pvlib.temperature)
      -> DC power per m^2 of cells                      dc_power_w_per_m2
      -> annual energy, capacity factor                 annual_energy, ground_baseline

"Per m^2 of cells" is the unit of comparison with orbit: the orbital twin's array power divided
by ``SolarArray.area_m2 * SolarArray.packing_factor``.  Multiply by the packing factor for
per m^2 of module (array) area.  See docs/ground.md for every default and its source, and for
what the baseline does not represent (soiling, snow, inverter clipping, curtailment, ...).

The package is split by job: :mod:`twin.ground.weather` (sites and weather years),
:mod:`twin.ground.pv` (the array and the chain, per time step), :mod:`twin.ground.annual`
(annual figures and the baseline table) and :mod:`twin.ground.datacenter` (the data centre);
every public name is re-exported here.  pvlib is imported lazily inside the functions (its
import takes ~1 s), as in twin.power.
"""

from twin.ground.annual import (
    BASELINE_UNITS,
    HOURS_PER_YEAR,
    annual_energy,
    capacity_factor,
    energy_kwh_per_m2,
    ground_baseline,
)
from twin.ground.datacenter import GroundDataCenter
from twin.ground.pv import (
    IAM_MODELS,
    MOUNTINGS,
    SKY_DIFFUSE_MODELS,
    STC_IRRADIANCE_W_M2,
    TEMPERATURE_MODELS,
    TEMPERATURE_PARAMETERS,
    GroundPV,
    cell_temperature_c,
    dc_power_w_per_m2,
    effective_irradiance,
    plane_of_array,
    pv_timeseries,
    surface_orientation,
)
from twin.ground.weather import (
    GREENSBORO,
    MEMPHIS,
    TMY3_GREENSBORO_PATH,
    WEATHER_COLUMNS,
    Site,
    Weather,
    clearsky_year,
    solar_position,
    tmy_year,
)

__all__ = [
    "Site", "MEMPHIS", "GREENSBORO", "TMY3_GREENSBORO_PATH", "Weather", "GroundPV",
    "GroundDataCenter", "MOUNTINGS", "TEMPERATURE_MODELS", "SKY_DIFFUSE_MODELS", "IAM_MODELS",
    "STC_IRRADIANCE_W_M2", "HOURS_PER_YEAR", "TEMPERATURE_PARAMETERS", "WEATHER_COLUMNS",
    "BASELINE_UNITS", "clearsky_year", "tmy_year", "solar_position",
    "surface_orientation", "plane_of_array", "effective_irradiance", "cell_temperature_c",
    "dc_power_w_per_m2", "pv_timeseries", "energy_kwh_per_m2", "capacity_factor",
    "annual_energy", "ground_baseline",
]
