"""Checks the engine's Python environment and says how to install what it lacks."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "REQUIRED_MODULES",
    "EngineChecker",
    "EngineStatus",
    "base_python",
    "check_environment",
    "format_command",
    "pip_command",
    "setup_commands",
]

#: Import names the engine needs, in the order they are checked.
REQUIRED_MODULES = ("numpy", "torch", "torchvision", "skimage", "osgeo")
#: The oldest Python the engine's code runs on.
MIN_PYTHON = (3, 10)
#: Seconds the check may take (importing torch from a cold disk takes a while).
CHECK_TIMEOUT_S = 180

# Runs inside the engine's interpreter: imports each module and prints versions as JSON.
# gdal_array is imported on its own because numpy 2 breaks it while `import osgeo` works.
CHECK_SCRIPT = r"""
import json, sys
out = {"python": ".".join(map(str, sys.version_info[:3])),
       "in_venv": sys.prefix != getattr(sys, "base_prefix", sys.prefix),
       "versions": {}, "errors": {}, "cuda": None}
for name in MODULES:
    try:
        module = __import__(name)
        out["versions"][name] = str(getattr(module, "__version__", "unknown"))
    except Exception as err:
        out["versions"][name] = None
        out["errors"][name] = type(err).__name__ + ": " + str(err)
if out["versions"].get("osgeo"):
    try:
        from osgeo import gdal_array
    except Exception as err:
        out["errors"]["osgeo.gdal_array"] = type(err).__name__ + ": " + str(err)
if out["versions"].get("torch"):
    import torch
    out["cuda"] = bool(torch.cuda.is_available())
print(json.dumps(out))
""".replace("MODULES", repr(REQUIRED_MODULES))


def format_command(argv: list[str]) -> str:
    """A command as one line a user can paste into a shell."""
    return shlex.join(str(a) for a in argv)


def base_python() -> str:
    """The interpreter to create the environment from: the Python QGIS itself runs on.

    Inside QGIS ``sys.executable`` is the QGIS binary, so the interpreter is found from
    ``sys.base_prefix`` (``/usr/bin/python3.11`` on Debian), else ``python3`` on the PATH.
    """
    name = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidate = Path(sys.base_prefix) / "bin" / name
    if candidate.exists():
        return str(candidate)
    return shutil.which(name) or shutil.which("python3") or "python3"


def pip_command(python: str | Path, plugin_dir: Path) -> list[str]:
    """The pip command that installs the engine's pinned packages into ``python``'s env."""
    req = plugin_dir / "requirements"
    return [str(python), "-m", "pip", "install", "-c", str(req / "constraints.txt"),
            "-r", str(req / "engine.txt")]


def setup_commands(env_dir: Path, plugin_dir: Path, *, python: str | None = None,
                   requirements: Path | None = None) -> list[list[str]]:
    """The README's set-up: a venv that sees QGIS's GDAL bindings, then the pinned packages.

    Parameters
    ----------
    env_dir : Path
        Folder of the virtual environment (created or repaired).
    plugin_dir : Path
        The plugin folder holding ``requirements/``.
    python : str, optional
        The interpreter to create the environment from (default :func:`base_python`).
    requirements : Path, optional
        Another requirements file instead of ``requirements/engine.txt``.
    """
    env_python = env_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    pip = pip_command(env_python, plugin_dir)
    if requirements is not None:
        pip[-1] = str(requirements)
    return [[python or base_python(), "-m", "venv", "--system-site-packages", str(env_dir)], pip]


@dataclass(frozen=True)
class EngineStatus:
    """What the environment check found."""

    python: str  # the interpreter checked
    ok: bool  # True when the engine can run
    versions: dict[str, str | None] = field(default_factory=dict)  # module -> version or None
    missing: tuple[str, ...] = ()  # import names that failed
    problems: tuple[str, ...] = ()  # one sentence each, for people
    install_command: str = ""  # the command that installs or repairs what is missing
    cuda: bool | None = None  # whether torch sees a GPU (None when torch is missing)

    def message(self) -> str:
        """The whole explanation: what is wrong and the command that fixes it."""
        if self.ok:
            found = ", ".join(f"{k} {v}" for k, v in self.versions.items())
            return f"The engine's environment {self.python} is ready ({found})."
        return (f"The road extraction engine cannot run with {self.python}: "
                f"{'; '.join(self.problems)}.\nFix it with:\n    {self.install_command}\n"
                "or run the Processing algorithm Road extraction > Install / repair engine "
                "(roadextraction:install_engine), or choose another interpreter in "
                "Plugins > Road extraction > Settings.")


def _setup_line(env_dir: Path, plugin_dir: Path) -> str:
    return " && ".join(format_command(c) for c in setup_commands(env_dir, plugin_dir))


def _missing_interpreter(python: Path, plugin_dir: Path, new_env: Path) -> EngineStatus:
    # An interpreter path inside a venv that does not exist yet: create that venv.
    env_dir = python.parent.parent if python.parent.name in ("bin", "Scripts") else new_env
    return EngineStatus(str(python), False, missing=("python",),
                        problems=(f"the interpreter {python} does not exist",),
                        install_command=_setup_line(env_dir, plugin_dir))


def _run_check(python: Path, timeout_s: float) -> tuple[dict | None, str]:
    """Run the check script; return its JSON (or None) and an explanation of a failure."""
    try:
        proc = subprocess.run([str(python), "-c", CHECK_SCRIPT], capture_output=True,
                              text=True, timeout=timeout_s, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as err:
        return None, f"it could not be started ({err})"
    lines = proc.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1]), ""
    except (IndexError, json.JSONDecodeError):
        tail = " ".join(proc.stderr.strip().splitlines()[-3:])
        return None, f"it failed to run the check (exit {proc.returncode}: {tail})"


def _problems(found: dict) -> tuple[list[str], list[str]]:
    """Names missing and one sentence per problem, from the check script's output."""
    versions, errors = found["versions"], found["errors"]
    missing = [name for name in REQUIRED_MODULES if versions.get(name) is None]
    problems = []
    major_minor = tuple(int(x) for x in found["python"].split(".")[:2])
    if major_minor < MIN_PYTHON:
        problems.append(f"Python {found['python']} is too old (the engine needs "
                        f"{'.'.join(map(str, MIN_PYTHON))} or newer)")
    python_missing = [m for m in missing if m != "osgeo"]
    if python_missing:
        problems.append(f"the package(s) {', '.join(python_missing)} are missing")
    if "osgeo" in missing:
        problems.append("GDAL's Python bindings (osgeo) are not visible: install python3-gdal "
                        "and create the environment with --system-site-packages")
    numpy = versions.get("numpy")
    if numpy and int(numpy.split(".")[0]) >= 2:
        problems.append(f"numpy {numpy} is installed but GDAL's bindings need numpy<2")
        missing.append("numpy<2")
    elif "osgeo.gdal_array" in errors:
        problems.append(f"osgeo.gdal_array fails to import ({errors['osgeo.gdal_array']})")
        missing.append("osgeo.gdal_array")
    return missing, problems


def check_environment(python: str | Path, *, plugin_dir: Path, new_env: Path,
                      timeout_s: float = CHECK_TIMEOUT_S) -> EngineStatus:
    """Check that ``python`` can run the engine, in a subprocess.

    Parameters
    ----------
    python : str or Path
        The engine's interpreter.
    plugin_dir : Path
        The plugin folder (for the requirements files named in the install command).
    new_env : Path
        Where to create an environment when ``python`` is not a virtual environment one
        (Debian's system Python refuses pip installs).
    """
    python = Path(python)
    if not python.exists():
        return _missing_interpreter(python, plugin_dir, new_env)
    found, failure = _run_check(python, timeout_s)
    if found is None:
        return EngineStatus(str(python), False, missing=("python",),
                            problems=(f"{python} is not a working Python: {failure}",),
                            install_command=_setup_line(new_env, plugin_dir))
    missing, problems = _problems(found)
    if found["in_venv"] and "osgeo" not in missing:
        command = format_command(pip_command(python, plugin_dir))
    else:
        command = _setup_line(new_env, plugin_dir)
    return EngineStatus(str(python), not problems, versions=found["versions"],
                        missing=tuple(missing), problems=tuple(problems),
                        install_command=command, cuda=found.get("cuda"))


@dataclass
class EngineChecker:
    """Checks environments and remembers the ones that passed (a check imports torch: seconds).

    Owned by the provider, so a QGIS session checks each interpreter once; failures are not
    remembered, so a repaired environment is seen at the next run.
    """

    plugin_dir: Path
    _passed: dict[str, EngineStatus] = field(default_factory=dict, repr=False)

    def check(self, python: Path, *, new_env: Path) -> EngineStatus:
        """The status of ``python`` (from memory when it passed before)."""
        key = str(python)
        if key in self._passed and python.exists():
            return self._passed[key]
        status = check_environment(python, plugin_dir=self.plugin_dir, new_env=new_env)
        if status.ok:
            self._passed[key] = status
        return status

    def forget(self) -> None:
        """Drop remembered results (after an install or a failure that hints at the env)."""
        self._passed.clear()
