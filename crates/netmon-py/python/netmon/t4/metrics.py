"""The SMSC metric sets of the monitoring procedure.

Each function finds the instances of its class among the columns
(``SMH00_SM_RECEIVED`` means instance ``SMH00``), evaluates the set's
formulas (normal operator precedence) and returns the metric columns
alone, indexed like the input:

* :func:`giw`: accepted vs rejected MO and MT traffic, HLR response,
  absent subscribers, invalid and unknown signalling, wrong SMSC,
  non-secured SMSC, blacklisted destination, buffer full, system failures;
* :func:`smh`: delivery attempt ratio, licence usage per SMH and per node,
  buffer usage, successful first delivery attempts, dropped after the
  first attempt, average attempts (overall and per retried message),
  first attempts per second, average message length and time in buffers;
* :func:`ssd`, :func:`ghlr`, :func:`ip7`, :func:`siw`: cumulative counters
  turned into per-sample figures with ``delta()`` (resets detected);
* :func:`compute`: several classes at once (all by default).

The system constants are parameters: ``retq_max`` (retry-queue capacity,
messages), ``delivery_limit`` (licensed delivery attempts per second per
SMH), ``delv_per_node_max`` (per node) and ``interval`` (the sample
interval in seconds; default: the one :func:`netmon.t4.read` found, else
300). Ratios over a period without traffic are NaN, not 0 %.

>>> import netmon.t4
>>> df = netmon.t4.read("smsc_node1.csv")                       # doctest: +SKIP
>>> netmon.t4.metrics.smh(df, retq_max=250_000).max()           # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from netmon import _netmon

__all__ = ["CLASSES", "calc_text", "compute", "ghlr", "giw", "instances", "ip7", "siw", "smh", "ssd"]

CLASSES = ("giw", "smh", "ssd", "ghlr", "ip7", "siw")


def _names(data) -> List[str]:
    if isinstance(data, (list, tuple)):
        return [str(c) for c in data]
    return [str(c) for c in getattr(data, "columns", data) if str(c) != "Sample Time"]


def instances(data) -> Dict[str, Any]:
    """The instances of each class among the columns of ``data`` (a
    DataFrame, a dict of arrays or a list of names), and ``nodes``: the
    SMH instances of each node (even-numbered on ``Node1``, odd on
    ``Node2``)."""
    return _netmon.t4_instances(_names(data))


def calc_text(data, classes: Sequence[str] = ("all",)) -> str:
    """The calc file (precedence mode) :func:`compute` evaluates for the
    instances found in ``data``: usable with :func:`netmon.t4.apply_calcs`
    or the ``t4 calc`` tool."""
    if isinstance(classes, str):
        classes = (classes,)
    return _netmon.t4_metrics_text(_names(data), list(classes))


def compute(
    data,
    classes: Sequence[str] = ("all",),
    *,
    retq_max: float = 100_000.0,
    delivery_limit: float = 100.0,
    delv_per_node_max: float = 200.0,
    interval: Optional[float] = None,
    _stacklevel: int = 2,
):
    """The metrics of ``classes`` (names from :data:`CLASSES`, or
    ``"all"``) over ``data``, as a DataFrame of the metric columns (a dict
    of arrays for dict input)."""
    from netmon import t4

    text = calc_text(data, classes)
    constants = {
        "retq_max": retq_max,
        "delivery_limit": delivery_limit,
        "delv_per_node_max": delv_per_node_max,
    }
    every = t4._interval(data, interval)
    constants["interval"] = every if every is not None else 300.0
    # The metric names are new columns; "overwrite" replaces a metric
    # column a previous run left in the frame.
    r = t4._evaluate(data, text, False, False, constants, constants["interval"], True, stacklevel=_stacklevel)
    out = t4._added_frame(data, r)
    if hasattr(out, "attrs"):
        out.attrs["netmon"] = {"calc": t4._calc_report(r), "constants": constants}
    return out


def giw(data, **params):
    """GIW metrics (see the module's text); ``params`` as :func:`compute`."""
    return compute(data, ("giw",), _stacklevel=3, **params)


def smh(data, **params):
    """SMH metrics, per SMH and per node; ``params`` as :func:`compute`."""
    return compute(data, ("smh",), _stacklevel=3, **params)


def ssd(data, **params):
    """SSD (screening) metrics; ``params`` as :func:`compute`."""
    return compute(data, ("ssd",), _stacklevel=3, **params)


def ghlr(data, **params):
    """Gateway HLR metrics; ``params`` as :func:`compute`."""
    return compute(data, ("ghlr",), _stacklevel=3, **params)


def ip7(data, **params):
    """IP7 (SIGTRAN) transport, congestion and translation errors;
    ``params`` as :func:`compute`."""
    return compute(data, ("ip7",), _stacklevel=3, **params)


def siw(data, **params):
    """SIWPC and SIWSMPP session rejects; ``params`` as :func:`compute`."""
    return compute(data, ("siw",), _stacklevel=3, **params)
