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

#: Hot-case Earth outgoing long-wave radiation for radiator sizing [W/m^2]: the extreme of
#: short averaging periods (~100-1,000 s, the time constant of a large radiator), not the
#: orbit average.  Gilmore 2002, ch. 2, Tables 2.2-2.4 (ERBE statistics, after Anderson and
#: Smith, NASA TM-4527, 1994) give 260-275 W/m^2 for the hot extremes; 265 is taken.
EARTH_IR_HOT_W_M2 = 265.0

#: Hot-case albedo for radiator sizing [1]: short-period extremes 0.35-0.40 (same tables);
#: 0.38 is taken (high albedo and high OLR rarely coincide, so the pair is not the worst of
#: both).
EARTH_ALBEDO_HOT = 0.38

#: Cold-case Earth outgoing long-wave radiation for heater sizing [W/m^2] (same tables: the
#: cold extremes are 190-220 W/m^2 for short periods; 210 is taken).
EARTH_IR_COLD_W_M2 = 210.0

#: Cold-case albedo [1] (same tables: 0.20-0.25 for short periods; 0.22 taken).
EARTH_ALBEDO_COLD = 0.22

#: Speed of light in vacuum [km/s] (exact in the SI, 299,792,458 m/s).
SPEED_OF_LIGHT_KM_S = 299792.458

#: Planck constant [J s] (exact in the 2019 SI).
PLANCK_J_S = 6.62607015e-34

#: Boltzmann constant [J/K] (exact in the 2019 SI); 10 log10(k) = -228.6 dBW/(K Hz).
BOLTZMANN_J_K = 1.380649e-23

#: Earth's gravitational parameter [m^3/s^2] (IERS Conventions 2010, Table 1.1: 3.986004418e14,
#: TT-compatible; WGS84 uses the same value).
EARTH_MU_M3_S2 = 3.986004418e14

#: Standard gravity [m/s^2] (CGPM 1901, exact): converts specific impulse [s] to exhaust
#: velocity.
STANDARD_GRAVITY_M_S2 = 9.80665

#: Seconds in a Julian year (365.25 d) [s].
S_PER_YEAR = 365.25 * 86400.0

#: Joules per MeV (CODATA 2018 elementary charge x 1e6).
J_PER_MEV = 1.602176634e-13
