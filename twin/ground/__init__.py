"""Ground baselines in the orbital twin's units: a ground PV array (pvlib) and a ground data
centre.  See :mod:`twin.ground.baseline`."""
from twin.ground.baseline import *  # noqa: F401,F403
from twin.ground.baseline import __all__  # noqa: F401
