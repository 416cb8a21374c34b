"""Where the per-document work runs: local processes or a Dask cluster.

Both engines take the same `Task`s and give back the same `Result`s through
one loop (`run_tasks`): at most `window` tasks are in flight, so the client
holds only those files' bytes, and each result is handed to `on_result` as
soon as it arrives (the client writes it to the store: workers never need a
shared disk, and only small rows come back).
"""
from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator

from nlp.batch.work import Result, Task, analyse_task
from nlp.errors import InputError


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _worker_init(client: int) -> None:
    """Per worker process: ignore Ctrl-C and SIGTERM (the client stops the
    run, and kills its workers), and die with the `client` process. The
    pipeline and the model are already loaded: workers are forked from a
    server that imported nlp.batch.warm."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with(client)


def _die_with(pid: int) -> None:
    """End this process when process `pid` ends, however it ends (kill -9).

    A worker's parent is the fork server, not the client, so a death signal
    tied to the parent would not do; and the server lives as long as any
    worker does, while a worker waits on its task queue for ever: without
    this, kill -9 of the client leaves the server, the workers, their
    sandbox children and the resource tracker alive for good. When the
    worker goes, its sandbox child goes (nlp.limits: PR_SET_PDEATHSIG), then
    the fork server and the resource tracker (nobody holds their pipes)."""
    try:
        fd = os.pidfd_open(pid)  # Linux 5.3: readable when the process ends
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        fd = None

    def watch() -> None:
        if fd is not None:
            select.select([fd], [], [])
        else:  # pragma: no cover - not Linux
            while os.getppid() != 1 and _alive(pid):
                time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="juesuan-die-with-client", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LocalEngine:
    """A pool of local worker processes (concurrent.futures)."""

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or cpu_count())
        self.window = self.workers * 4
        self._pool = None
        self._started = False  # a worker has returned a result

    def __enter__(self):
        self._pool = self._new_pool(self.workers)
        return self

    def __exit__(self, *exc):
        self.close(cancel=exc[0] is not None)

    def _new_pool(self, n: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # forkserver: workers are forked from a server process that has
        # loaded the pipeline and the model once (nlp.batch.warm), so each
        # new worker starts at once and shares that memory; and no thread of
        # the client (the progress bar's) is copied into a worker.
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["nlp.batch.warm"])
        return ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_worker_init, initargs=(os.getpid(),))

    def close(self, cancel: bool = False) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if cancel:
            _terminate(pool)
        else:
            pool.shutdown(wait=True)

    def run_tasks(self, tasks: Iterable[Task], on_result: Callable[[Result], None], fn=analyse_task) -> None:
        from concurrent.futures.process import BrokenProcessPool

        def submit(task: Task):
            try:
                return self._pool.submit(fn, task)
            except BrokenProcessPool:
                raise _PoolBroke(task) from None

        def collect(future, task: Task) -> None:
            try:
                result = future.result()
            except BrokenProcessPool:
                raise _PoolBroke(task) from None
            self._started = True
            on_result(result)

        queue = iter(tasks)
        while True:
            pending: dict = {}
            try:
                run_windowed(queue, self.window, submit, _first_done, collect, pending)
                return
            except _PoolBroke as broke:
                # A worker died (a crash in a native library, the OOM killer):
                # every task in flight failed with it. Find the culprit by
                # running each of them alone, then carry on with a new pool.
                _terminate(self._pool)
                for task in [broke.task, *pending.values()]:
                    on_result(self._alone_or_stop(task, fn))
                self._pool = self._new_pool(self.workers)

    def _alone_or_stop(self, task: Task, fn) -> Result:
        result = self._alone(task, fn)
        if result.error == "WorkerCrash" and not self._started:
            raise InputError(
                "the worker processes die as they start; when run_batch is called from a script, "
                "put the call under `if __name__ == \"__main__\":` (each worker imports the main module)"
            )
        self._started = True
        return result

    def _alone(self, task: Task, fn) -> Result:
        from concurrent.futures.process import BrokenProcessPool

        pool = self._new_pool(1)
        try:
            return pool.submit(fn, task).result()
        except BrokenProcessPool:
            return Result(task.sha256, task.source, False, error="WorkerCrash", message=f"{task.source}: the worker process died while analysing this file")
        finally:
            _terminate(pool)


def _terminate(pool) -> None:
    """Stop a pool now: cancel what has not started, end the workers."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.kill()  # workers ignore SIGTERM (the client handles it)
    for p in processes:
        p.join(timeout=5)


class DaskEngine:
    """The same work on a Dask distributed cluster.

    `scheduler`: the scheduler's address (tcp://host:8786) or a scheduler
    file (JSON written by `dask scheduler --scheduler-file`); None starts a
    LocalCluster of `workers` processes on this machine. Each worker loads
    `model` (as nlp.batch.work.Task.model) as it starts, and must find the
    one whose identity is `identity` (nlp.batch.work.model_identity).
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None, model="default", identity: str | None = None):
        self.scheduler = scheduler
        self.workers = workers
        self.model = model
        self.identity = identity
        self._client = self._cluster = None
        self.window = 8

    def __enter__(self):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError("--engine dask needs Dask: pip install 'juesuan[dask]'") from None
        try:
            if self.scheduler is None:
                self._cluster = LocalCluster(n_workers=self.workers or cpu_count(), threads_per_worker=1, processes=True, dashboard_address=None)
                self._client = Client(self._cluster)
            elif self.scheduler.endswith(".json") and os.path.exists(self.scheduler):
                self._client = Client(scheduler_file=self.scheduler, timeout="30s")
            else:
                self._client = Client(self.scheduler, timeout="30s")
        except (OSError, TimeoutError) as e:
            self.close()
            raise InputError(f"cannot reach the Dask scheduler {self.scheduler}: {' '.join(str(e).split())[:200]}") from None
        self._check_workers()
        return self

    def _check_workers(self) -> None:
        import nlp

        client = self._client
        try:
            client.wait_for_workers(1, timeout=60)
        except TimeoutError:
            raise InputError(f"the Dask scheduler {self.scheduler} has no workers (start some with: dask worker {self.scheduler})") from None
        versions = client.run(_worker_version)
        other = {addr: v for addr, v in versions.items() if v != nlp.__version__}
        if other:
            addr, v = next(iter(other.items()))
            raise InputError(f"Dask worker {addr} runs juesuan {v}, this machine {nlp.__version__}; install the same version on every worker")
        self._check_models(client.run(_warm_worker, self.model))
        threads = sum(client.nthreads().values())
        self.workers = threads
        self.window = max(4, 3 * threads)

    def _check_models(self, loaded: dict) -> None:
        """Every worker labels with the run's model: results of two models
        are never mixed in one run."""
        if self.identity is None:
            return
        for addr, identity in loaded.items():
            if identity != self.identity:
                where = "this machine's default model" if self.model == "default" else self.model
                found = identity.removeprefix("error: ") if identity.startswith("error: ") else f"another model ({identity})"
                raise InputError(f"Dask worker {addr} cannot label with {where}: {found}; install the same model on every worker or give --model")

    def __exit__(self, *exc):
        self.close()

    def close(self, cancel: bool = False) -> None:
        for thing in (self._client, self._cluster):
            if thing is not None:
                with contextlib.suppress(Exception):  # closing is best effort
                    thing.close()
        self._client = self._cluster = None

    def run_tasks(self, tasks: Iterable[Task], on_result: Callable[[Result], None], fn=analyse_task) -> None:
        from distributed import wait

        client = self._client

        def collect(future, task: Task) -> None:
            try:
                result = future.result()
            except Exception as e:  # noqa: BLE001 - e.g. KilledWorker: the file crashed its workers
                from nlp.batch.work import one_line

                result = Result(task.sha256, task.source, False, error=type(e).__name__, message=f"{task.source}: {one_line(e)}",
                                final=type(e).__name__ == "KilledWorker")
            future.release()
            on_result(result)

        pending: dict = {}
        try:
            run_windowed(iter(tasks), self.window, lambda task: client.submit(fn, task, pure=False),
                         lambda futures: wait(futures, return_when="FIRST_COMPLETED").done, collect, pending)
        finally:
            if pending:
                client.cancel(list(pending))


def run_windowed(tasks: Iterator[Task], window: int, submit, first_done, collect, pending: dict) -> None:
    """The loop both engines run: keep at most `window` tasks in flight
    (`submit(task)` gives a future), wait for some to finish
    (`first_done(futures)`), hand each to `collect(future, task)`, until
    `tasks` runs out. `pending` (future -> task) holds what is in flight, for
    the caller to cancel or retry when this stops with an exception."""
    while True:
        while len(pending) < window:
            task = next(tasks, None)
            if task is None:
                break
            pending[submit(task)] = task
        if not pending:
            return
        for future in first_done(list(pending)):
            collect(future, pending.pop(future))


def _first_done(futures) -> set:
    from concurrent.futures import FIRST_COMPLETED, wait

    return wait(futures, return_when=FIRST_COMPLETED).done


class _PoolBroke(Exception):
    """The local pool broke while it had `task`."""

    def __init__(self, task: Task):
        super().__init__(task.source)
        self.task = task


def _warm_worker(model) -> str:
    """On a Dask worker: load the pipeline and `model`; the identity of the
    model it loaded, or "error: " and why it could not."""
    from nlp.batch.warm import warm
    from nlp.batch.work import model_identity, one_line

    warm(model)
    try:
        if model is None:
            return model_identity(None)
        from nlp.classifier import load_model

        return model_identity(load_model(model))
    except Exception as e:  # noqa: BLE001 - reported by the client, with the worker's address
        return f"error: {one_line(e)}"


def _worker_version() -> str:
    import nlp

    return nlp.__version__


def make_engine(engine: str, workers: int | None, scheduler: str | None, model="default", identity: str | None = None):
    """The engine named `engine`; `model` and `identity` as for DaskEngine
    (local workers find the model on this machine, as the client did)."""
    if engine == "local":
        if scheduler:
            raise InputError("--scheduler needs --engine dask")
        return LocalEngine(workers)
    if engine == "dask":
        return DaskEngine(scheduler, workers, model, identity)
    raise InputError(f"unknown engine {engine!r} (local or dask)")
