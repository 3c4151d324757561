"""A digital twin of GPU-carrying satellite constellations.

The public API: build a :class:`Constellation` (each shell flies a :class:`SatelliteDesign`),
then :func:`geometry` (where every satellite is and how much Sun it sees) and :func:`simulate`
(what it does with it: power, battery, thermal, compute in GB300-equivalents).

The package is laid out by job (docs/architecture.md): ``twin.models`` (what a satellite's
parts do), ``twin.run`` (orchestration), ``twin.studies`` (questions asked of runs),
``twin.ground`` (ground baselines) and ``twin.io`` (command line, exports, plots).  The
module names of the earlier flat layout (``twin.power``, ``twin.summary``, ``twin.plots``,
...) stay importable as aliases of their new homes (:data:`MOVED_MODULES`).
"""
import importlib
import importlib.abc
import importlib.util
import sys

from ephemeris.events import eclipse_events
from ephemeris.propagate import PropagationError, PropagationWarning
from twin import ground
from twin.constellation import Constellation, Shell
from twin.design import (
    Battery,
    Bus,
    ComputePayload,
    Propulsion,
    Radiator,
    SatelliteDesign,
    SolarArray,
)
from twin.run.contacts import contact_summary, contacts
from twin.run.formation import formation_report
from twin.run.lifetime import LifetimeResult, LifetimeSettings, LifetimeWarning, lifetime
from twin.run.links import links
from twin.run.network import network_metrics, user_latency
from twin.run.simulate import SimulationResult, geometry, simulate
from twin.scenario import Scenario
from twin.studies import economics
from twin.studies.claims import claims
from twin.studies.compare import compare, compare_altitudes
from twin.studies.decide import Decision, decide
from twin.studies.realism import realism_table
from twin.studies.seasons import eclipse_season
from twin.studies.sizing import radiator_sizing
from twin.terminals import Downlink, OpticalTerminal

__version__ = "0.1.0"

#: Documented module names of the flat layout -> their modules now.
MOVED_MODULES = {
    "twin.power": "twin.models.power",
    "twin.thermal": "twin.models.thermal",
    "twin.battery": "twin.models.battery",
    "twin.compute": "twin.models.compute",
    "twin.physics": "twin.run.stepper",
    "twin.summary": "twin.run.summary",
    "twin.simulate": "twin.run.simulate",
    "twin.compare": "twin.studies.compare",
    "twin.seasons": "twin.studies.seasons",
    "twin.claims": "twin.studies.claims",
    "twin.economics": "twin.studies.economics",
    "twin.cli": "twin.io.cli",
    "twin.export": "twin.io.export",
    "twin.plots": "twin.io.plots",
}


class _AliasLoader(importlib.abc.Loader):
    """Loads an old module name as the module that now holds it (the same object)."""

    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass

    def get_code(self, fullname):
        """The target's code, so that ``python -m twin.cli`` runs :mod:`twin.io.cli`."""
        return importlib.util.find_spec(self.target).loader.get_code(self.target)


class _AliasFinder(importlib.abc.MetaPathFinder):
    """``import twin.power`` finds :mod:`twin.models.power` (see :data:`MOVED_MODULES`)."""

    def find_spec(self, fullname, path=None, target=None):
        new = MOVED_MODULES.get(fullname)
        if new is None:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(new))


if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
    sys.meta_path.insert(0, _AliasFinder())
# Aliases of modules already imported are registered now, so that importing them later does not
# set the package attribute: ``twin.simulate``, ``twin.compare`` and ``twin.claims`` stay the
# functions, while ``sys.modules["twin.simulate"]`` is the module.
for _old, _new in MOVED_MODULES.items():
    if _new in sys.modules:
        sys.modules.setdefault(_old, sys.modules[_new])


def __getattr__(name):
    """``twin.plots`` and the other moved modules as attributes, imported on first use."""
    target = MOVED_MODULES.get(f"twin.{name}")
    if target is None:
        raise AttributeError(f"module 'twin' has no attribute {name!r}")
    return importlib.import_module(target)


__all__ = [
    "Constellation", "Shell", "SatelliteDesign", "SolarArray", "Battery", "Radiator",
    "ComputePayload", "Bus", "Propulsion", "geometry", "simulate", "SimulationResult",
    "eclipse_events", "eclipse_season", "compare_altitudes", "compare", "Scenario",
    "PropagationError",
    "PropagationWarning", "claims", "economics", "ground", "radiator_sizing", "realism_table",
    "__version__",
    "links", "contacts", "contact_summary", "formation_report", "network_metrics",
    "OpticalTerminal", "Downlink", "user_latency",
    "lifetime", "LifetimeResult", "LifetimeSettings", "LifetimeWarning",
    "decide", "Decision",
]
