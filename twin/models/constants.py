"""Physical constants of the twin's models: one home for each, with its source.

Two Earth radii are in use on purpose, for different jobs, and are named for them:
:data:`EARTH_MEAN_RADIUS_KM` (a sphere for view factors and Earth-flux geometry) and
:data:`EARTH_EQUATORIAL_RADIUS_KM` (the shadowing sphere of the geometry, defined in
:mod:`ephemeris.shadow`, which never imports the twin).
"""
from __future__ import annotations

from ephemeris.shadow import EARTH_RADIUS_KM as _SHADOW_EARTH_RADIUS_KM

#: Stefan-Boltzmann constant [W/(m^2 K^4)] (CODATA 2018, exact in the 2019 SI).
STEFAN_BOLTZMANN_W_M2_K4 = 5.670374419e-8

#: Mean Earth radius for view factors [km] (IUGG mean radius R1; a spherical Earth).
EARTH_MEAN_RADIUS_KM = 6371.0088

#: Equatorial radius of the shadowing Earth [km] (WGS84; :data:`ephemeris.shadow.EARTH_RADIUS_KM`).
EARTH_EQUATORIAL_RADIUS_KM = _SHADOW_EARTH_RADIUS_KM

#: Total solar irradiance at 1 au [W/m^2] (Kopp & Lean 2011, Geophys. Res. Lett. 38, L01706:
#: 1360.8 +/- 0.5 W/m^2 at solar minimum; IAU 2015 Resolution B3 nominal 1361 W/m^2).
SOLAR_CONSTANT_W_M2 = 1361.0

#: Earth's outgoing long-wave radiation, orbit-average design value [W/m^2]
#: (Gilmore, Spacecraft Thermal Control Handbook Vol. 1, 2nd ed., 2002, ch. 2: 237 +/- 21 W/m^2).
EARTH_IR_W_M2 = 237.0

#: Earth's Bond albedo, orbit-average design value [1] (Gilmore 2002, ch. 2: 0.30).
EARTH_ALBEDO = 0.30

#: 0 degC in kelvin.
ZERO_C_K = 273.15

#: Seconds per hour: converts W x s to Wh.
S_PER_H = 3600.0
