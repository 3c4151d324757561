"""The twin's faces: the ``twin`` command (:mod:`.cli`), exports (:mod:`.export`) and plots
(:mod:`.plots`), all written through the atomic file writes of :mod:`.atomic`."""
