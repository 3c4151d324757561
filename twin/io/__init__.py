"""The twin's faces: the ``twin`` command (:mod:`.cli`), exports with atomic writes
(:mod:`.export`) and plots (:mod:`.plots`)."""
