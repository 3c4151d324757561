"""GPU attrition and upsets in orbit, with no repair.

Hard failures.  A GPU survives to time t with accumulated dose D(t) with probability

.. math:: S(t) = e^{-\\lambda_0 t}\\; e^{-(D/D_{63})^k}

a constant random-failure rate lambda_0 (what kills GPUs on the ground too) times a Weibull
in dose for total-ionising-dose wear-out.  Spares replace failed GPUs until they run out, so
the expected number of working GPUs is E[min(N, Binomial(N + spares, S))].

Upsets.  Each >30 MeV proton that crosses a GPU's sensitive area sigma may corrupt a running job
(HBM uncorrectable errors, functional interrupts); the job restarts from its last checkpoint,
losing ``restart_s`` of every GPU on the satellite (one job spans the satellite).  The
throughput lost is the fraction of time spent restarting: N phi_30 sigma t_restart (capped at 1).

All defaults are *assumptions* labelled with the evidence they rest on: see the constants.
"""
from __future__ import annotations

import numpy as np
from scipy import stats

#: Random hard-failure rate of a GPU [1/(GPU yr)] (assumption: half of the 0.09 per GPU-year
#: interruption rate attributed to GPU and HBM faults in Meta's 16,384-H100 Llama 3 training,
#: 148 GPU + 72 HBM3 faults in 54 days; Dubey et al. 2024, arXiv:2407.21783, Table 5; the other
#: half taken to be recoverable by reset).
RANDOM_FAILURE_PER_GPU_YEAR = 0.045
#: Dose at which 63 % of GPUs have failed from TID [krad(Si)] (assumption: twice the highest
#: dose of Google's Trillium TPU proton test (67 MeV), which showed HBM irregularities from
#: ~2 krad(Si) and no hard failure up to 15 krad(Si); Beals et al., "Towards a future
#: space-based, highly scalable AI infrastructure system design" (Project Suncatcher), 2025).
TID_D63_KRAD = 30.0
#: Weibull shape of the TID failures (assumption: wear-out, k = 4 gives 6 % failed at 15 krad).
TID_WEIBULL_SHAPE = 4.0
#: Per-GPU upset cross-section for >30 MeV protons [cm^2] (assumption: one HBM uncorrectable
#: error per ~50 rad(Si) of 67 MeV protons in the Suncatcher test, 1 rad = 7.3e6 p/cm^2 at
#: 8.6 MeV cm^2/g: sigma = 1 / (50 x 7.3e6) = 2.7e-9 cm^2).
UPSET_CROSS_SECTION_CM2 = 3.0e-9
#: Compute lost per upset [s] (assumption: reload the last checkpoint and redo half a
#: checkpoint interval: ~2 min reload + 10 min interval / 2 = 7 min ~ 420 s; 600 s booked).
RESTART_COST_S = 600.0


def survival_probability(years, dose_krad, random_rate_per_year=RANDOM_FAILURE_PER_GPU_YEAR,
                         d63_krad=TID_D63_KRAD, shape=TID_WEIBULL_SHAPE):
    r"""Probability that one GPU still works after ``years`` and ``dose_krad`` [1].

    .. math:: S = \exp(-\lambda_0 t)\,\exp\left(-(D / D_{63})^k\right)
    """
    t = np.asarray(years, float)
    d = np.maximum(np.asarray(dose_krad, float), 0.0)
    return np.exp(-random_rate_per_year * t) * np.exp(-(d / d63_krad) ** shape)


def expected_working_gpus(active, spares, survival):
    r"""Expected working GPUs when ``active`` are needed and ``spares`` stand by [GPUs].

    .. math:: E[\min(N, X)],\quad X \sim \mathrm{Binomial}(N + s, S)

    Parameters
    ----------
    active : int
        GPUs the payload runs (``ComputePayload.gpus``).
    spares : int
        Cold spares (``ComputePayload.spare_gpus``).
    survival : float or array_like
        Per-GPU survival probability [1].
    """
    n = int(active) + int(spares)
    p = np.clip(np.asarray(survival, float), 0.0, 1.0)
    # scipy's binomial pmf overflows on denormal probabilities; below 1e-12 a GPU is gone
    p = np.where(p < 1e-12, 0.0, p)
    k = np.arange(n + 1)
    pmf = stats.binom.pmf(k[:, None], n, np.atleast_1d(p)[None, :])
    out = (np.minimum(k, int(active))[:, None] * pmf).sum(axis=0)
    return out.reshape(np.shape(p)) if np.ndim(p) else float(out[0])


def upset_throughput_loss(gpus, proton_flux_30mev_cm2_s, cross_section_cm2=UPSET_CROSS_SECTION_CM2,
                          restart_s=RESTART_COST_S):
    r"""Fraction of compute lost to upsets and checkpoint restarts [1].

    .. math:: L = \min(1,\; N\,\phi_{30}\,\sigma\,t_{restart})

    Parameters
    ----------
    gpus : float
        GPUs running [GPUs].
    proton_flux_30mev_cm2_s : float
        Orbit-averaged >30 MeV proton flux [1/(cm^2 s)].
    cross_section_cm2 : float
        Upset cross-section per GPU [cm^2].
    restart_s : float
        Compute time lost per upset [s].
    """
    return np.minimum(np.asarray(gpus, float) * np.asarray(proton_flux_30mev_cm2_s, float)
                      * cross_section_cm2 * restart_s, 1.0)
