#!/usr/bin/env python3
"""One entry point for setting up and running cuedetect from a fresh checkout.

Only the standard library is used here, so that this file runs on a machine that
has nothing but Python 3.11+ and access to the package registries.

  python3 dev.py demo [--open]
      set everything up, analyse a bundled sample, show what to do next
      (--open: then the dashboard on it, in the browser)
  python3 dev.py dashboard [SESSION] [--open]
      the debrief dashboard; SESSION: a number, a recording's name or latest
  python3 dev.py test [PYTEST ARGS]
      set everything up, then run the linter and the whole test suite
  python3 dev.py studio-setup
      install the synthetic studio's tools (Blender, espeak-ng and flite, the CC0 body)

--quiet: no progress display (off anyway when output is not a terminal).
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
import venv
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".cuedetect-installed"
DEMO_SAMPLE = ROOT / "sample_videos" / "standoff" / "standoff.mp4"
DEMO_OUT = ROOT / "out" / "demo"
# Debian packages the tests need, with a program each provides: Chromium for the browser end-to-end tests
# (Playwright cannot download its own browser here), Xvfb for the live window test, espeak-ng and flite
# (CMU Flite: BSD-style licence, Debian main) for the voice and speech tests' synthetic speech.
TEST_PACKAGES = {"chromium": "chromium", "chromium-driver": "chromedriver", "xvfb": "Xvfb",
                 "espeak-ng": "espeak-ng", "flite": "flite"}  # fmt: skip
# The studio speaks its `say` lines with espeak-ng or Flite.
STUDIO_PACKAGES = {"blender": "blender", "python3-numpy": None, "espeak-ng": "espeak-ng", "flite": "flite"}
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class Ui:
    """How dev.py talks: step names with a live spinner on a terminal, plain lines otherwise, or nothing
    but results with --quiet."""

    quiet = False

    @classmethod
    def live(cls) -> bool:
        return not cls.quiet and sys.stdout.isatty()


def say(msg: str) -> None:
    if not Ui.quiet:
        print(f"[dev] {msg}", flush=True)


def shown(path: Path) -> str:
    """`path` as the user should type it from where they are: relative inside the current folder."""
    try:
        rel = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return str(path)
    return str(rel) if str(rel) != "." else "."


def run(cmd: Sequence[str | os.PathLike[str]], **kw) -> None:
    """Run a command with the terminal to itself (for commands with their own progress display)."""
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def step(title: str, cmd: Sequence[str | os.PathLike[str]], log: Path | None = None, **kw) -> None:
    """Run a quiet setup command as one named step.

    On a terminal: a spinner, the step's name, the seconds so far and the command's latest output line
    (pip's "Collecting numpy ..."), replaced by a tick at the end. Otherwise: the step's name only. Its
    whole output is printed if it fails, and kept in `log` if given.
    """
    cmd = [str(c) for c in cmd]
    if not Ui.live():
        say(f"{title} ...")
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
        if log is not None:
            log.write_text(proc.stdout)
        if proc.returncode:
            print(proc.stdout, end="", file=sys.stderr)
            raise subprocess.CalledProcessError(proc.returncode, cmd)
        return
    start, last, lines = time.monotonic(), [""], []
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1, **kw)
    done = threading.Event()

    def draw() -> None:
        k = 0
        while not done.wait(0.1):
            width = shutil.get_terminal_size().columns - 1
            head = f"{SPINNER[k % len(SPINNER)]} {title} ({time.monotonic() - start:.0f} s)"[:width]
            tail = last[0][: max(width - len(head) - 2, 0)]
            sys.stdout.write(f"\r\x1b[2K{head}  \x1b[2m{tail}\x1b[0m")
            sys.stdout.flush()
            k += 1

    painter = threading.Thread(target=draw, daemon=True)
    painter.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.strip() and not line.startswith(("WARNING", "DEPRECATION")):
                last[0] = " ".join(line.split())
        code = proc.wait()
    finally:
        done.set()
        painter.join()
    if log is not None:
        log.write_text("".join(lines))
    mark = "✓" if code == 0 else "✗"
    sys.stdout.write(f"\r\x1b[2K{mark} {title} ({time.monotonic() - start:.0f} s)\n")
    sys.stdout.flush()
    if code:
        print("".join(lines), end="", file=sys.stderr)
        raise subprocess.CalledProcessError(code, cmd)


def ensure_venv(extras: Sequence[str] = ("dev",)) -> None:
    """Create .venv and install the package with `extras` when pyproject.toml (or the extras) changed.

    The stamp lists the extras installed: asking for fewer later (the demo after the tests) installs
    nothing, asking for more (the tests after the demo: `ray`) installs what is missing.
    """
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may be started by an older python3)
        sys.exit("cuedetect needs Python 3.11 or newer")
    if not PY.exists():
        say(f"creating the virtual environment in {shown(VENV)}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = STAMP.read_text().split() if STAMP.exists() else []
    if stamp[:1] == [digest] and set(extras) <= set(stamp[1:]):
        return
    wanted = sorted(set(extras) | (set(stamp[1:]) if stamp[:1] == [digest] else set()))
    pip = [PY, "-m", "pip", "install", "--progress-bar", "off", "--disable-pip-version-check"]
    step("updating pip", [*pip, "--upgrade", "pip"])
    say("installing cuedetect and its dependencies into .venv (a minute or two the first time)")
    spec = f"[{','.join(wanted)}]"
    step(f"pip install -e .{spec}", [*pip, "-e", f"{ROOT}{spec}"], log=VENV / "pip-install.log")
    STAMP.write_text(" ".join([digest, *wanted]))


def apt_install(packages: dict[str, str | None]) -> None:
    """Install Debian packages unless every program they provide is on PATH already (needs apt-get)."""
    if all(shutil.which(program) for program in packages.values() if program):
        return
    missing = list(packages)
    if not shutil.which("apt-get"):
        sys.exit(f"this machine has no apt-get: install {' '.join(missing)} yourself")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    step("apt-get update", [*sudo, "apt-get", "update", "-qq"], env=env)
    install = [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]
    step(f"installing {', '.join(missing)} (Debian packages)", install, env=env)


def cuedetect(*args: str | os.PathLike[str]) -> None:
    run([BIN / "cuedetect", *args, *(["--quiet"] if Ui.quiet and args[0] in ("analyze", "models") else [])])


def next_steps(session: str) -> list[tuple[str, str]]:
    """The commands to run after the demo, as typed from the current folder, with what each does."""
    dev = "python3 " + shlex.quote(shown(ROOT / "dev.py"))
    cli = shlex.quote(shown(BIN / "cuedetect"))
    out = shown(DEMO_OUT)
    ref = shlex.quote(session)
    return [
        (f"{dev} dashboard {ref} --open", "the debrief dashboard, on this session, in your browser"),
        (f"{cli} sessions show {ref}", "the session's summary: events per cue, debrief numbers"),
        (f"{cli} export {ref} --format html --out {shlex.quote(out + '/report.html')}", "a debrief report"),
        (f"{cli} analyze YOUR_VIDEO.mp4 --out out/mine --annotate", "your own recording"),
        (f"{cli} --help", "every command"),
    ]


def demo(open_browser: bool = False) -> None:
    ensure_venv()
    say("pose model")
    cuedetect("models", "--variant", "full")
    say(f"analysing {shown(DEMO_SAMPLE)} (a 32 s rendered role-play)")
    # the sample's sound is two lapel microphones: channel 0 the trainee's, channel 1 the client's
    cuedetect("analyze", shown(DEMO_SAMPLE), "--out", shown(DEMO_OUT), "--annotate", "--overwrite",
              "--voice-channels", "0=trainee,1=client")  # fmt: skip
    video = shown(DEMO_OUT / "annotated.mp4")
    print(f"\nWatch {video}: everyone in their role's colour, the cues as they happen.")
    print("Next, paste any of these:")
    for cmd, what in next_steps(DEMO_SAMPLE.stem):
        print(f"  # {what}\n  {cmd}")
    sys.stdout.flush()
    if open_browser:
        dashboard(DEMO_SAMPLE.stem, open_browser=True)


def dashboard(session: str | None, open_browser: bool = False) -> None:
    """`cuedetect dashboard` until Ctrl-C (which reaches the server too: wait for it to stop)."""
    ensure_venv()
    args = ["dashboard", *(["--session", session] if session else []), *(["--open"] if open_browser else [])]
    server = subprocess.Popen([str(BIN / "cuedetect"), *args])
    try:
        code = server.wait()
    except KeyboardInterrupt:
        code = server.wait()
    if code not in (0, 130):
        raise subprocess.CalledProcessError(code, server.args)


def test(extra: list[str]) -> None:
    ensure_venv(("dev", "ray"))  # the batch tests run a real Ray runtime
    apt_install(TEST_PACKAGES)
    cuedetect("models")
    say("ruff")
    sources = ["cuedetect", "tests", "bench", "dashboard.py", "dev.py"]
    run([BIN / "ruff", "check", *sources], cwd=ROOT)
    run([BIN / "ruff", "format", "--check", "--quiet", *sources], cwd=ROOT)
    runs = pytest_runs(extra)
    failed = 0
    for args in runs:
        say(f"pytest {' '.join(args)}".strip())
        code = subprocess.run([str(PY), "-m", "pytest", *args], cwd=ROOT, check=False).returncode
        if code and not (code == NO_TESTS_COLLECTED and len(runs) > 1):
            failed = failed or code
    if failed:
        sys.exit(failed)


NO_TESTS_COLLECTED = 5  # pytest's exit code when a selection holds no test


def pytest_runs(extra: Sequence[str]) -> list[list[str]]:
    """The pytest runs of `python3 dev.py test`, each given `extra`.

    Two pytest-xdist workers share the suite, each running whole test files (`tests/scheduling.py` says
    which go together and in what order); then the tests marked `realtime` (live mode paced at wall-clock
    speed: what they measure depends on having the machine to themselves) run alone. One run on two
    workers when the caller selects tests (`-m`, `-k`, a test path); one plain run when the caller chose
    the workers (`-n`, `-p no:xdist`) or the machine has one core.
    """
    extra = list(extra)
    chosen = any(
        a.startswith(("-n", "--numprocesses", "--dist")) or a in ("no:xdist", "-pno:xdist") for a in extra
    )
    if chosen or (os.cpu_count() or 1) < 2:
        return [extra]
    parallel = ["-n", "2", "--dist", "loadfile"]
    if any(a.startswith(("-m", "-k")) or (ROOT / a.split("::")[0]).exists() for a in extra):
        return [[*parallel, *extra]]
    return [[*parallel, "-m", "not realtime", *extra], ["-m", "realtime", *extra]]


def studio_setup() -> None:
    ensure_venv()
    apt_install(STUDIO_PACKAGES)
    cuedetect("synth", "--check")


def main(argv: list[str]) -> None:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return
    cmd, rest = argv[0], argv[1:]
    if cmd != "test":  # the test command passes everything on to pytest
        Ui.quiet = "--quiet" in rest or "-q" in rest
        rest = [a for a in rest if a not in ("--quiet", "-q")]
    open_browser = "--open" in rest
    rest = [a for a in rest if a != "--open"]
    try:
        if cmd == "demo" and not rest:
            demo(open_browser)
        elif cmd == "dashboard" and len(rest) <= 1:
            dashboard(rest[0] if rest else None, open_browser)
        elif cmd == "test":
            test(argv[1:])
        elif cmd == "studio-setup" and not rest:
            studio_setup()
        else:
            sys.exit(f"unknown command {' '.join(argv)!r}; see python3 dev.py --help")
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode or 1)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main(sys.argv[1:])
