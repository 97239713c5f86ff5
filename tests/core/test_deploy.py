"""Production safety, checked the way an operator starts the app: a fresh process per settings
module, so nothing from the test settings leaks in."""

import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS_VARIABLE = re.compile(
    r"^(DJANGO_|SECURE_|PASSERELLES_|CSRF_|SESSION_|EMAIL_|SECRET_KEY$|DEBUG$|ALLOWED_HOSTS$|"
    r"DATABASE_URL$|CONN_MAX_AGE$|LOG_LEVEL$)"
)


def run(code_or_args, settings, tmp_path, **env):
    # Only the process basics from this environment: settings variables set by the developer or
    # by other tests (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE) must not leak in.
    environment = {k: v for k, v in os.environ.items() if not SETTINGS_VARIABLE.match(k)}
    environment.update(
        DJANGO_SETTINGS_MODULE=settings,
        PASSERELLES_VAR_DIR=str(tmp_path),
        # An empty value wins over a developer's .env file (read without overwriting).
        SECRET_KEY="",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    environment.update(env)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_prod_passes_check_deploy_without_warnings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        "config.settings.prod",
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="passerelles.example.org",
        PASSERELLES_IATI_REF="FR-RCS-123456782",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_about_an_unregistered_iati_publisher_ref(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy"],
        "config.settings.prod",
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="passerelles.example.org",
    )
    assert "opendata.W001" in result.stdout + result.stderr


def test_prod_refuses_to_start_without_secret_key(tmp_path):
    result = run(["manage.py", "check"], "config.settings.prod", tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_prod_refuses_a_short_secret_key(tmp_path):
    result = run(["manage.py", "check"], "config.settings.prod", tmp_path, SECRET_KEY="too-short")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_prod_is_not_debug_and_keeps_cookies_secure(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    result = run(
        ["-c", f"import django; django.setup(); {code}"],
        "config.settings.prod",
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(64),
        DEBUG="true",  # even asked for, production never runs in debug mode
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True"]


def test_dev_secret_key_is_generated_once_under_var_dir(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run(code, "config.settings.dev", tmp_path)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    key = key_file.read_text().strip()
    assert first.stdout.strip() == key
    assert len(key) >= 50
    # Readable by its owner only: it signs sessions.
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = run(code, "config.settings.dev", tmp_path)
    assert second.stdout.strip() == key


def test_settings_import_writes_nothing_to_disk(tmp_path):
    # STATIC_ROOT is collectstatic's to create: importing settings must not make folders.
    code = "import django; django.setup(); from django.conf import settings; print('ok')"
    result = run(code, "config.settings.prod", tmp_path, SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_var_dir_may_come_from_the_env_file(tmp_path):
    # .env is read before any setting, PASSERELLES_VAR_DIR included. The file is simulated: the
    # real one (BASE_DIR/.env) belongs to the developer.
    code = f"""
import os, environ
os.environ.pop("PASSERELLES_VAR_DIR", None)
def read_env(cls, *args, **kwargs):
    os.environ.setdefault("PASSERELLES_VAR_DIR", {str(tmp_path / "from-env")!r})
environ.Env.read_env = classmethod(read_env)
from config.settings import base
print(base.VAR_DIR)
"""
    result = run(code, "config.settings.prod", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "from-env")
