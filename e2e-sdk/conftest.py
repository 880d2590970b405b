"""Drives a real `hearth-server` process with the official `openai` Python SDK.

Each test gets its own scripted model server (`hearth-scripted-provider`, a separate process answering
chat completions with the scripts a test pushes) and its own `hearth-server` on a fresh data folder, so
no script or thread leaks from one test into the next. scripts/sdk-tests.sh builds both binaries and
sets HEARTH_SERVER_BIN and HEARTH_SCRIPTED_PROVIDER_BIN.
"""

import openai
import pytest

from helpers import MODEL
from processes import HearthServer as BaseServer
from processes import ScriptedProvider


class HearthServer(BaseServer):
    """The server with an SDK client attached."""

    def client(self, api_key: str | None = None) -> openai.OpenAI:
        # No retries: a retried POST would hide a server error and could create a run twice.
        return openai.OpenAI(
            base_url=self.url + "/v1", api_key=api_key or self.token, max_retries=0, timeout=30
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # A failing test shows the server's log with it, so a server-side cause is visible without a rerun.
    server = item.funcargs.get("server") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(server, HearthServer) and server.process is not None:
        report.sections.append(("hearth-server log (tail)", server.process.tail(80)))
    return report


@pytest.fixture
def provider(tmp_path):
    provider = ScriptedProvider(tmp_path)
    yield provider
    provider.process.stop()


@pytest.fixture
def server(tmp_path, provider):
    server = HearthServer(tmp_path / "data", provider, tmp_path / "server.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def client(server) -> openai.OpenAI:
    return server.client()


@pytest.fixture
def assistant(client):
    return client.beta.assistants.create(
        model=MODEL, name="Helper", instructions="You are terse.", metadata={"suite": "sdk"}
    )


@pytest.fixture
def vector_stores(client):
    """The vector-stores resource of the SDK line in use: `client.vector_stores` from openai 1.66 on,
    `client.beta.vector_stores` before (1.65.5, the line the Assistants tutorials used)."""
    resource = getattr(client, "vector_stores", None)
    return resource if resource is not None else client.beta.vector_stores


@pytest.fixture
def docs(tmp_path):
    """The folder the test's documents are written to, apart from the server's data folder."""
    folder = tmp_path / "docs"
    folder.mkdir()
    return folder
