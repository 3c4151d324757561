"""What one satellite's parts do: each physical model written once, as small functions of
plain numpy arithmetic that numba compiles for the time loop (:mod:`ephemeris.fastmath` holds
the one switch).  Nothing here imports orchestration (:mod:`twin.run`), studies or faces, reads
a file or prints.

* :mod:`twin.models.constants` -- one home for each physical constant;
* :mod:`twin.models.power` -- solar array: irradiance, pointing, cell temperature, power;
* :mod:`twin.models.thermal` -- view factors, environmental heat, the radiator node;
* :mod:`twin.models.battery` -- the power bus and battery bookkeeping of one step;
* :mod:`twin.models.compute` -- GPU throughput under a power cap, throttling, thermal cap.
"""
