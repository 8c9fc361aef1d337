"""A real one-node SLURM cluster on this machine, for the cluster-execution test.

Built from Debian's slurm-wlm and munge packages, as root: munged (only if munge does not
already work here), slurmctld and slurmd, configured by slurm.conf.template. The file must be
/etc/slurm/slurm.conf: the SLURM executor's job step clears SLURM_CONF before its inner srun,
which then finds no configuration anywhere else. An existing /etc/slurm/slurm.conf is moved
aside and put back by stop(). stop() ends exactly the daemons that start() launched, by the
PIDs in their pid files (slurmd, then slurmctld, then munged), after cancelling any job left.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from string import Template

TEMPLATE = Path(__file__).with_name("slurm.conf.template")
SLURM_CONF = Path("/etc/slurm/slurm.conf")
BACKUP = SLURM_CONF.with_name("slurm.conf.before-alkres-test")
MUNGE_PID_FILE = Path("/run/munge/munged.pid")
# Daemons are in sbin, which is not on every PATH.
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/local/sbin", "/usr/sbin", "/sbin"])
COMMANDS = {  # command -> Debian package
    "slurmctld": "slurm-wlm",
    "slurmd": "slurm-wlm",
    "sbatch": "slurm-wlm",
    "srun": "slurm-wlm",
    "squeue": "slurm-wlm",
    "scancel": "slurm-wlm",
    "sinfo": "slurm-wlm",
    "scontrol": "slurm-wlm",
    "munged": "munge",
    "munge": "munge",
    "unmunge": "munge",
    "runuser": "util-linux",
}
START_TIMEOUT = 30  # seconds for the node to become idle


class ClusterUnavailable(Exception):
    """The cluster cannot run here; the message says why."""


def which(command: str) -> str | None:
    return shutil.which(command, path=SEARCH_PATH)


def unavailable_reason() -> str | None:
    """Why a cluster cannot be started on this machine, or None if it can be tried."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "starting SLURM daemons needs root"
    missing = [command for command in COMMANDS if which(command) is None]
    if missing:
        packages = sorted({COMMANDS[command] for command in missing})
        return (
            f"{', '.join(missing)} not found: install {' '.join(packages)} "
            "(`python3 tools/install_system_packages.py --tests`)"
        )
    if not Path("/etc/munge/munge.key").exists():
        return "no munge key at /etc/munge/munge.key (reinstall munge, or run mungekey --create)"
    running = {name: pids for name in ("slurmctld", "slurmd") if (pids := pids_named(name))}
    if running:
        listed = "; ".join(f"{name} {pids}" for name, pids in running.items())
        return f"SLURM daemons already run on this machine ({listed}); they are left alone"
    if BACKUP.exists():
        return f"{BACKUP} exists (left by an interrupted run): move it back to {SLURM_CONF} first"
    return None


def pids_named(name: str) -> list[int]:
    """PIDs of the processes whose command name is `name`."""
    return sorted(
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and is_process(int(entry.name), name)
    )


def is_process(pid: int, name: str) -> bool:
    """Whether `pid` is a live (not zombie) process called `name`."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return False
    state = next((line.split()[1] for line in status.splitlines() if line.startswith("State:")), "")
    return comm == name and state not in ("Z", "X")


def munge_works() -> bool:
    try:
        credential = subprocess.run(
            [which("munge"), "-n"], capture_output=True, timeout=10, check=True
        ).stdout
        subprocess.run(
            [which("unmunge")], input=credential, capture_output=True, timeout=10, check=True
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return False
    return True


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no {path.name})"


class LocalSlurm:
    """start() brings up the cluster, stop() takes down what start() launched."""

    def __init__(self) -> None:
        self.state_dir = Path(tempfile.mkdtemp(prefix="alkres-slurm-"))
        self.host = socket.gethostname().split(".")[0]
        self.cpus = os.cpu_count() or 1
        physical_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
        self.memory_mb = int(physical_mb * 0.8)  # below what slurmd measures, or it drains
        self.pids: dict[str, int] = {}  # daemon name -> PID, only those started here
        self.conf_written = False
        self.stopped = False

    # -- start --------------------------------------------------------------------------

    def start(self) -> None:
        """Start the daemons and wait for an idle node. Raises ClusterUnavailable (after
        undoing whatever was done) when it does not come up."""
        try:
            self._write_conf()
            if not munge_works():
                self._start_munged()
            self._start_daemon("slurmctld", self.state_dir / "slurmctld.pid")
            self._start_daemon("slurmd", self.state_dir / "slurmd.pid")
            self._wait_for_idle_node()
        except ClusterUnavailable:
            self.stop()
            raise

    def _write_conf(self) -> None:
        for folder in ("ctld", "spool"):
            (self.state_dir / folder).mkdir()
        text = Template(TEMPLATE.read_text()).substitute(
            host=self.host, state=self.state_dir, cpus=self.cpus, memory_mb=self.memory_mb
        )
        SLURM_CONF.parent.mkdir(parents=True, exist_ok=True)
        if SLURM_CONF.exists() or SLURM_CONF.is_symlink():
            os.replace(SLURM_CONF, BACKUP)
        SLURM_CONF.write_text(text)
        self.conf_written = True

    def _start_munged(self) -> None:
        run_dir = MUNGE_PID_FILE.parent
        run_dir.mkdir(parents=True, exist_ok=True)
        shutil.chown(run_dir, "munge", "munge")
        log = self.state_dir / "munged.out"
        with open(log, "w") as handle:
            result = subprocess.run(
                [which("runuser"), "-u", "munge", "--", which("munged")],
                stdin=subprocess.DEVNULL,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        if result.returncode != 0:
            raise ClusterUnavailable(f"munged did not start:\n{tail(log)}")
        self.pids["munged"] = self._pid_from(MUNGE_PID_FILE, "munged")
        deadline = time.monotonic() + 10
        while not munge_works():
            if time.monotonic() > deadline:
                raise ClusterUnavailable("munged started but munge -n | unmunge fails")
            time.sleep(0.2)

    def _start_daemon(self, name: str, pid_file: Path) -> None:
        log = self.state_dir / f"{name}.out"
        with open(log, "w") as handle:
            result = subprocess.run(
                [which(name)],
                stdin=subprocess.DEVNULL,
                stdout=handle,
                stderr=subprocess.STDOUT,
                env={**os.environ, "SLURM_CONF": str(SLURM_CONF)},
            )
        if result.returncode != 0:
            raise ClusterUnavailable(
                f"{name} did not start (exit {result.returncode}):\n{tail(log)}\n"
                f"{tail(self.state_dir / f'{name}.log')}"
            )
        self.pids[name] = self._pid_from(pid_file, name)

    def _pid_from(self, pid_file: Path, name: str) -> int:
        """The daemon's PID from its pid file, once the file names a live process of it."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                pid = int(pid_file.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pid = None
            if pid and is_process(pid, name):
                return pid
            time.sleep(0.1)
        raise ClusterUnavailable(
            f"{name} wrote no pid file {pid_file} naming a running {name}:\n"
            f"{tail(self.state_dir / f'{name}.log')}"
        )

    def _wait_for_idle_node(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        state = ""
        while time.monotonic() < deadline:
            result = subprocess.run(
                [which("sinfo"), "-h", "-o", "%t"], capture_output=True, text=True
            )
            state = result.stdout.strip() or result.stderr.strip()
            if state == "idle":
                return
            time.sleep(0.5)
        node = subprocess.run([which("scontrol"), "show", "node"], capture_output=True, text=True)
        raise ClusterUnavailable(
            f"the SLURM node is not idle after {START_TIMEOUT} s (state {state!r}):\n"
            f"{node.stdout.strip()}\nslurmctld.log:\n{tail(self.state_dir / 'slurmctld.log')}\n"
            f"slurmd.log:\n{tail(self.state_dir / 'slurmd.log')}"
        )

    # -- stop ---------------------------------------------------------------------------

    def logs(self) -> str:
        """The ends of the daemons' logs, for failure messages."""
        return "\n".join(
            f"--- {name}:\n{tail(self.state_dir / name)}"
            for name in ("slurmctld.log", "slurmd.log")
        )

    def stop(self) -> None:
        """Cancel jobs left over, stop the daemons started here, restore slurm.conf."""
        if self.stopped:
            return
        self.stopped = True
        if "slurmctld" in self.pids:
            self._cancel_jobs()
        for name in ("slurmd", "slurmctld", "munged"):
            pid = self.pids.pop(name, None)
            if pid is not None:
                terminate(pid, name)
        if self.conf_written:
            SLURM_CONF.unlink(missing_ok=True)
            if BACKUP.exists() or BACKUP.is_symlink():
                os.replace(BACKUP, SLURM_CONF)
        shutil.rmtree(self.state_dir, ignore_errors=True)

    def _cancel_jobs(self) -> None:
        """Jobs still queued or running (after a failed test) would outlive slurmd."""
        try:
            queued = subprocess.run(
                [which("squeue"), "-h", "-o", "%i"], capture_output=True, text=True, timeout=10
            ).stdout.split()
            if queued:
                subprocess.run([which("scancel"), *queued], capture_output=True, timeout=10)
                time.sleep(2)
        except subprocess.TimeoutExpired:
            pass


def terminate(pid: int, name: str, timeout: float = 15) -> None:
    """SIGTERM to `pid` if it still is `name`; SIGKILL if it has not exited after `timeout`."""
    if not is_process(pid, name):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while is_process(pid, name):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            return
        time.sleep(0.1)
