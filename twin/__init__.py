"""A digital twin of GPU-carrying satellite constellations.

The public API: build a :class:`Constellation`, then :func:`geometry` (where every satellite is
and how much Sun it sees) and :func:`simulate` (what it does with it).
"""
from ephemeris.propagate import PropagationError, PropagationWarning
from twin.constellation import Constellation, Shell
from twin.simulate import geometry
from ephemeris.events import eclipse_events

__version__ = "0.1.0"

__all__ = ["Constellation", "Shell", "geometry", "eclipse_events", "PropagationError",
           "PropagationWarning", "__version__"]
