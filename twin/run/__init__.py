"""Orchestration: one chunk of satellites through ephemeris and models (:mod:`.pipeline`), the
time stepper (:mod:`.stepper`), the process pool (:mod:`.pool`), Dask and Zarr backends
(:mod:`.backends`), :func:`~twin.run.simulate.simulate` and the per-orbit summaries
(:mod:`.summary`)."""
