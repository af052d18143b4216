"""`mlsd train`: the case's LightGBM trained with Dask, beside a single-process run.

``--engine dask`` trains ``lightgbm.DaskLGBMClassifier`` on a ``dask.distributed``
cluster: a :class:`~distributed.LocalCluster` of worker processes started here
(one thread each), or any running cluster reached with ``--scheduler``. The training
rows are dealt to the workers in random order, one partition per worker, and
persisted there before training starts. LightGBM trains data-parallel: each worker
builds gradient histograms on its own rows and the workers sum them every split.
``.to_local()`` then gives a plain ``LGBMClassifier`` that is exported to ONNX and
scored like any other model.

The single-process run uses the same data, the same LightGBM parameters (the case's
own ``lightgbm`` model) and the same evaluation, so the figures compare directly.

Pitfalls handled here: no fixed ports (LightGBM picks free ones per worker, the
scheduler's HTTP server binds port 0); Dask's and LightGBM's chatter is kept off
stdout (the workers' C++ log writes to the inherited stdout, which is pointed at
/dev/null in the worker processes this module starts); the cluster and client are
always closed; a bad ``--scheduler`` fails within :data:`CONNECT_TIMEOUT_S`.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from mlsd.content.schema import Case
from mlsd.errors import MlsdError, UsageError
from mlsd.pipeline.run import require_binary

Progress = Callable[[str], None]
ENGINES = ("local", "dask")
DEFAULT_WORKERS = 2
MAX_WORKERS = 16
THREADS_PER_WORKER = 1
CONNECT_TIMEOUT_S = 5.0
INSTALL = 'pip install "mlsd[distributed]"'
HISTOGRAM_ENTRY_BYTES = 16  # LightGBM sums a (gradient, hessian) pair of doubles per bin
_ADDRESS = re.compile(r"^tcp://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(?P<port>\d{1,5})$")


@dataclass(frozen=True)
class EngineResult:
    """One training run: how long it took, how good the model is, how its ONNX export agrees."""

    engine: str
    workers: int
    threads: int  # in total, across workers
    train_seconds: float
    metrics: dict[str, float]
    onnx_bytes: int
    onnx_parity: float  # max |native - onnx| over the test set

    def to_json(self) -> dict[str, Any]:
        return {"engine": self.engine, "workers": self.workers, "threads": self.threads,
                "train_seconds": self.train_seconds, "metrics": self.metrics,
                "onnx_bytes": self.onnx_bytes, "onnx_parity": self.onnx_parity}  # fmt: skip


@dataclass(frozen=True)
class TrainReport:
    """Everything `mlsd train` prints.

    ``result`` is the requested engine's run; ``single_process`` the comparison
    (None for ``--engine local``, where the single process is the run itself).
    The cluster fields are None for ``--engine local``.
    """

    case: str
    engine: str
    metrics: tuple[str, ...]  # the case's metrics that were computed, primary first
    rows_train: int
    rows_test: int
    features: int
    params: dict[str, Any]
    cpu_count: int
    result: EngineResult
    single_process: EngineResult | None
    scheduler: str | None = None  # the address given with --scheduler; None: a LocalCluster
    cluster_start_seconds: float | None = None
    partition_seconds: float | None = None
    partitions_per_worker: tuple[int, ...] | None = None

    @property
    def primary(self) -> str:
        return self.metrics[0]

    def histogram_bytes(self) -> int:
        """Rough upper bound of the histogram bytes one worker exchanges over the training.

        Data-parallel LightGBM sums one histogram (features x bins) per split across
        the workers: trees x (leaves - 1) splits, ignoring column sampling.
        """
        p = self.params
        splits = int(p.get("n_estimators", 100)) * (int(p.get("num_leaves", 31)) - 1)
        return splits * self.features * int(p.get("max_bin", 255)) * HISTOGRAM_ENTRY_BYTES

    def to_json(self) -> dict[str, Any]:
        r, single = self.result, self.single_process
        parts = None if self.partitions_per_worker is None else list(self.partitions_per_worker)
        return {
            "case": self.case,
            "engine": self.engine,
            "workers": r.workers,
            "threads": r.threads,
            "scheduler": self.scheduler,
            "rows": {"train": self.rows_train, "test": self.rows_test},
            "features": self.features,
            "cpu_count": self.cpu_count,
            "cluster_start_seconds": self.cluster_start_seconds,
            "partition_seconds": self.partition_seconds,
            "partitions_per_worker": parts,
            "train_seconds": r.train_seconds,
            "metrics": r.metrics,
            "onnx_bytes": r.onnx_bytes,
            "onnx_parity": r.onnx_parity,
            "single_process": None if single is None else single.to_json(),
            "lightgbm_params": self.params,
        }


def check_options(
    case: Case, engine: str, workers: int | None, scheduler: str | None
) -> str | None:
    """Validate the options before any data or cluster exists; returns the normalised address.

    ``--workers`` sizes the LocalCluster this command starts, so it is rejected with
    ``--scheduler`` (that cluster's workers are whatever it has) and both are rejected
    with ``--engine local`` rather than silently ignored.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    require_binary(case, "train")
    if engine == "local":
        if workers is not None or scheduler is not None:
            raise UsageError("--workers and --scheduler only apply to --engine dask")
        return None
    if scheduler is not None and workers is not None:
        raise UsageError("--workers sizes the local cluster; with --scheduler the cluster's "
                         "own workers are used")  # fmt: skip
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise UsageError(f"--workers must be 1-{MAX_WORKERS} (got {workers})")
    return None if scheduler is None else parse_address(scheduler)


def parse_address(address: str) -> str:
    """``tcp://host:port`` (``host:port`` means tcp); anything else is a usage error."""
    full = address if "://" in address else f"tcp://{address}"
    match = _ADDRESS.match(full)
    if match is None or not 1 <= int(match["port"]) <= 65535:
        raise UsageError(f"malformed --scheduler {address!r}; expected tcp://host:port")
    return full


def require_dask() -> None:
    """Import what LightGBM's Dask estimators need, or say how to install it."""
    try:
        import dask.array
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
        import pandas  # noqa: F401
    except ImportError as exc:
        missing = exc.name or "dask"
        raise UsageError(
            f"--engine dask needs the distributed extra ({missing} is not installed): {INSTALL}"
        ) from None


def run_train(
    case: Case,
    engine: str,
    workers: int | None = None,
    scheduler: str | None = None,
    seed: int = 0,
    rows: int | None = None,
    progress: Progress | None = None,
) -> TrainReport:
    """Train the case's LightGBM on ``engine`` and, for dask, in a single process too.

    Args:
        case: a binary case.
        engine: ``"local"`` (one process) or ``"dask"``.
        workers: LocalCluster size (default :data:`DEFAULT_WORKERS`); dask only.
        scheduler: address of a running Dask scheduler instead of a LocalCluster.
        seed: seed for the data, the partitioning and LightGBM.
        rows: rows to generate (default: the case's).
        progress: called with a short description before each stage.
    """
    from mlsd.pipeline.generators.base import Dataset
    from mlsd.pipeline.models import SklearnClassifier, build_model
    from mlsd.pipeline.run import Experiment, encode, generate, split_by_time

    address = check_options(case, engine, workers, scheduler)
    if engine == "dask":
        require_dask()
    tell = progress or (lambda _msg: None)
    if address is not None:  # fail fast, before generating data and training
        tell(f"connecting to {address}")
        with _quiet_distributed(), _client(0, address):
            pass
    tell("generating data, splitting by time and encoding features")
    data = generate(case, rows, seed)
    assert isinstance(data, Dataset)  # a binary case's generator returns rows
    train_data, test_data = split_by_time(data)
    train, test, _ = encode(train_data, test_data, seed)
    spec = next((m for m in case.pipeline.models if m.name == "lightgbm"), None)
    model = build_model("lightgbm", {} if spec is None else spec.params, seed, "binary")
    exp = Experiment(case.id, "binary", data, (), tuple(case.pipeline.metrics), has_oracle=False)
    evaluate = _Evaluator(exp, test, float(train_data.y.mean()))
    params = dict(model.estimator.get_params())
    n_jobs = params.get("n_jobs")
    threads = n_jobs if isinstance(n_jobs, int) and n_jobs > 0 else os.cpu_count() or 1

    tell("training in a single process")
    start = time.perf_counter()
    model.fit(train)
    single = evaluate("local", 1, threads, time.perf_counter() - start, model)
    report = TrainReport(case.id, engine, tuple(single.metrics), len(train_data),
                         len(test_data), int(train.X.shape[1]), params, os.cpu_count() or 1,
                         single, None)  # fmt: skip
    if engine == "local":
        return report

    y = (train_data.y > 0).astype(np.int8)
    dask_params = {k: v for k, v in params.items() if k != "n_jobs"}  # each worker's threads
    fit = _train_dask(train.X, y, dask_params, workers or DEFAULT_WORKERS, address, seed, tell)
    local = SklearnClassifier("lightgbm", fit.model, "gbdt", "binary")
    result = evaluate("dask", fit.workers, fit.threads, fit.train_seconds, local)
    return replace(
        report,
        result=result,
        single_process=single,
        scheduler=address,
        cluster_start_seconds=fit.start_seconds,
        partition_seconds=fit.partition_seconds,
        partitions_per_worker=fit.partitions,
    )


@dataclass(frozen=True)
class _Evaluator:
    """Scores a trained model on the test period and checks its ONNX export."""

    exp: Any
    test: Any
    base_rate: float

    def __call__(self, engine: str, workers: int, threads: int, seconds: float,
                 model: Any) -> EngineResult:  # fmt: skip
        from mlsd.pipeline.export import to_onnx
        from mlsd.pipeline.run import score
        from mlsd.pipeline.serving import OnnxScorer

        p = model.predict(self.test)
        metrics = score(self.exp, self.test.data, p, self.base_rate)
        onnx = to_onnx(model, self.test.X.shape[1])
        assert onnx is not None  # LightGBM always has an ONNX form
        served = OnnxScorer(onnx, online=False).predict(self.test.X)
        parity = float(np.max(np.abs(served - p)))
        return EngineResult(engine, workers, threads, seconds, metrics, len(onnx), parity)


@dataclass(frozen=True)
class _DaskFit:
    model: Any  # a plain LGBMClassifier
    workers: int
    threads: int
    start_seconds: float
    partition_seconds: float
    train_seconds: float
    partitions: tuple[int, ...]


def _train_dask(X: np.ndarray, y: np.ndarray, params: dict[str, Any], workers: int,
                address: str | None, seed: int, tell: Progress) -> _DaskFit:  # fmt: skip
    """Start or reach the cluster, partition and persist the rows, train, return the model."""
    with _quiet_distributed():
        tell(f"connecting to {address}" if address else
             f"starting a local Dask cluster ({workers} worker processes)")  # fmt: skip
        start = time.perf_counter()
        with _client(workers, address) as client:
            nthreads = client.nthreads()
            if not nthreads:
                raise MlsdError(f"the Dask scheduler at {address} has no workers")
            _load_lightgbm(client, address)
            start_seconds = time.perf_counter() - start
            tell(f"partitioning {len(X):,} rows across {len(nthreads)} workers")
            start = time.perf_counter()
            dX, dy, partitions = _partition(client, X, y, sorted(nthreads), seed)
            partition_seconds = time.perf_counter() - start
            tell(f"training LightGBM on {len(nthreads)} Dask workers")
            model, train_seconds = _fit(client, dX, dy, params)
    return _DaskFit(model, len(nthreads), sum(nthreads.values()), start_seconds,
                    partition_seconds, train_seconds, partitions)  # fmt: skip


@contextlib.contextmanager
def _quiet_distributed() -> Iterator[None]:
    """Keep distributed's log lines off stderr (the progress spinner lives there)."""
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def _client(workers: int, address: str | None) -> Iterator[Any]:
    """A client of a new LocalCluster, or of the scheduler at ``address``; always closed.

    The LocalCluster's workers spill to a temporary directory that is removed afterwards.
    """
    from distributed import Client, LocalCluster

    if address is not None:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT_S)
        except OSError:  # refused or timed out (distributed retries until the timeout)
            raise MlsdError(f"cannot reach a Dask scheduler at {address} within "
                            f"{CONNECT_TIMEOUT_S:g} s; is it running?") from None  # fmt: skip
        except Exception as exc:  # something answered that is not a Dask scheduler
            raise MlsdError(f"{address} did not answer as a Dask scheduler "
                            f"({type(exc).__name__})") from None  # fmt: skip
        with client:
            yield client
        return
    with tempfile.TemporaryDirectory(prefix="mlsd-dask-") as scratch:
        try:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=THREADS_PER_WORKER,
                                   processes=True, host="127.0.0.1", dashboard_address=":0",
                                   local_directory=scratch,
                                   silence_logs=logging.CRITICAL)  # fmt: skip
        except (OSError, RuntimeError, TimeoutError) as exc:
            raise MlsdError(f"could not start a local Dask cluster: {exc}") from None
        with cluster, Client(cluster) as client:
            client.run(_mute_stdout)
            yield client


def _load_lightgbm(client: Any, address: str | None) -> None:
    """Import LightGBM on every worker now, so the start-up time holds it, not training.

    ``exec`` is a builtin, so this also works on workers without mlsd installed.
    """
    try:
        client.run(exec, "import lightgbm", {})
    except ImportError:
        where = f"the cluster at {address}" if address else "the local cluster"
        raise MlsdError(f"a Dask worker of {where} cannot import lightgbm: install it on "
                        "every worker") from None  # fmt: skip


def _mute_stdout() -> None:
    """Run in each LocalCluster worker: point its stdout at /dev/null.

    The workers inherit this process's stdout, and LightGBM's C++ network log writes
    there from the worker's task thread, where verbosity and Python's log callback
    do not reach; it would corrupt ``--json``.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)


def _partition(client: Any, X: np.ndarray, y: np.ndarray, workers: list[str],
               seed: int) -> tuple[Any, Any, tuple[int, ...]]:  # fmt: skip
    """Deal the rows to the workers in random order, one persisted partition each.

    Rows are shuffled first because the training set is in time order and LightGBM
    builds each feature's bins from one worker's rows. A partition's features and
    labels go to the same worker, so LightGBM never moves data before training.
    """
    import dask.array as da
    from distributed import futures_of, wait

    order = np.random.default_rng(seed).permutation(len(X))
    xs, ys = [], []
    for worker, rows in zip(workers, np.array_split(order, len(workers)), strict=True):
        part_x, part_y = X[rows], y[rows]
        fx, fy = client.scatter([part_x, part_y], workers=[worker])
        xs.append(da.from_delayed(fx, shape=part_x.shape, dtype=part_x.dtype))
        ys.append(da.from_delayed(fy, shape=part_y.shape, dtype=part_y.dtype))
    dX, dy = client.persist([da.concatenate(xs), da.concatenate(ys)])
    wait([dX, dy])
    held = client.who_has(futures_of(dX))
    counts = tuple(sum(worker in where for where in held.values()) for worker in workers)
    return dX, dy, counts


def _fit(client: Any, dX: Any, dy: Any, params: dict[str, Any]) -> tuple[Any, float]:
    """Train ``DaskLGBMClassifier``; returns the plain LightGBM model and the seconds."""
    from lightgbm import DaskLGBMClassifier

    estimator = DaskLGBMClassifier(client=client, **params)
    start = time.perf_counter()
    # LightGBM warns that n_jobs gives way to each worker's threads (always: n_jobs is among
    # the estimator's params) and prints its search for free ports on stdout.
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.filterwarnings("ignore", message=r"Parameter \w+ will be ignored")
        estimator.fit(dX, dy)
    seconds = time.perf_counter() - start
    return estimator.to_local(), seconds
