"""Headless Chromium driven over the DevTools protocol, for tests of the app's own pages.

Debian's ``chromium`` runs as a child process (``--headless --no-sandbox --disable-gpu``) with a
throw-away profile and ``--remote-debugging-port=0``; the port it picked is read from the
``DevToolsActivePort`` file it writes. One websocket to the browser carries every page's
messages (flattened target sessions), so the client is async and shares the test's event loop
with the uvicorn server of ``live_url``: a blocking client would stall the server it is testing.
Page errors (uncaught exceptions, ``console.error``) are collected so a test can assert none.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--mute-audio",
    "--autoplay-policy=no-user-gesture-required",
    "--remote-debugging-port=0",
)


def chromium_binary() -> str | None:
    """Path of Debian's chromium (or another Chromium on PATH); None when none is installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(RuntimeError):
    """The browser answered a command with an error, or a page did not get where expected."""


@dataclass
class Page:
    """One tab, addressed by its flattened CDP session."""

    browser: Browser
    session_id: str
    errors: list[str] = field(default_factory=list)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        return await self.browser.send(method, params, session_id=self.session_id)

    async def goto(self, url: str, timeout: float = 15.0) -> None:
        """Navigate and wait for the load event."""
        loaded = self.browser.expect_event("Page.loadEventFired", self.session_id)
        await self.send("Page.navigate", url=url)
        await asyncio.wait_for(loaded, timeout)

    async def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` (promises awaited); a thrown error raises."""
        reply = await self.send(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"{expression!r} threw: {text}")
        return reply["result"].get("value")

    async def wait_for(self, expression: str, timeout: float = 15.0) -> None:
        """Poll ``expression`` until it is truthy; BrowserError (with the page's text) if not."""
        deadline = time.monotonic() + timeout
        while True:
            if await self.evaluate(f"!!({expression})"):
                return
            if time.monotonic() > deadline:
                state = await self.evaluate("document.body ? document.body.innerText : ''")
                raise BrowserError(f"timed out waiting for {expression!r}; page says: {state!r}")
            await asyncio.sleep(0.05)

    async def click(self, selector: str) -> None:
        """A real mouse click (pressed and released) at the centre of the first match."""
        box = await self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " if (!e) return null; e.scrollIntoView({block: 'center'});"
            " const r = e.getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        if box is None:
            raise BrowserError(f"nothing matches {selector!r}")
        x, y = box
        await self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1
            )

    async def type_text(self, selector: str, text: str) -> None:
        """Focus ``selector``, clear it and type ``text`` as keyboard input."""
        await self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " e.focus(); e.select && e.select(); })()"
        )
        await self.send("Input.insertText", text=text)

    async def press(self, key: str) -> None:
        """One key press (keyDown + keyUp) on the focused element, e.g. ``"y"`` or ``"Enter"``."""
        named = {
            "Enter": ("Enter", 13, "\r"),
            "ArrowRight": ("ArrowRight", 39, ""),
            "ArrowLeft": ("ArrowLeft", 37, ""),
            "Tab": ("Tab", 9, ""),
        }
        if key in named:
            code, vk, text = named[key]
        else:
            code, vk, text = f"Key{key.upper()}", ord(key.upper()), key
        common = {"key": key, "code": code, "windowsVirtualKeyCode": vk}
        await self.send("Input.dispatchKeyEvent", type="keyDown", text=text, **common)
        await self.send("Input.dispatchKeyEvent", type="keyUp", **common)

    async def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        """Save a PNG of the page (the whole scrollable page unless ``full_page`` is false)."""
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:  # from the top, so sticky bars sit where a reader first sees them
            size = await self.evaluate(
                "window.scrollTo(0, 0), [Math.max(document.documentElement.scrollWidth,"
                " window.innerWidth), document.documentElement.scrollHeight]"
            )
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        reply = await self.send("Page.captureScreenshot", **params)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(reply["data"]))
        return path


class Browser:
    """A headless Chromium process and its DevTools websocket."""

    def __init__(self, process: asyncio.subprocess.Process, socket: ClientConnection) -> None:
        self.process = process
        self.socket = socket
        self._ids = itertools.count(1)
        self._replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._waiters: list[tuple[str, str | None, asyncio.Future[dict[str, Any]]]] = []
        self._pages: dict[str, Page] = {}
        self._reader = asyncio.create_task(self._read())

    async def send(
        self, method: str, params: dict[str, Any] | None = None, *, session_id: str | None = None
    ) -> dict[str, Any]:
        message_id = next(self._ids)
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
        if session_id:
            message["sessionId"] = session_id
        reply = asyncio.get_running_loop().create_future()
        self._replies[message_id] = reply
        await self.socket.send(json.dumps(message))
        return await asyncio.wait_for(reply, 30)

    def expect_event(self, method: str, session_id: str | None) -> asyncio.Future[dict[str, Any]]:
        """A future for the next ``method`` event of that session (register before causing it)."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append((method, session_id, waiter))
        return waiter

    async def new_page(self, width: int = 1280, height: int = 900) -> Page:
        """A fresh tab of that viewport size, with page errors recorded."""
        target = await self.send("Target.createTarget", {"url": "about:blank"})
        attached = await self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )
        page = Page(self, attached["sessionId"])
        self._pages[page.session_id] = page
        for domain in ("Page.enable", "Runtime.enable"):
            await page.send(domain)
        await page.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 700,
        )
        return page

    async def _read(self) -> None:
        async for raw in self.socket:
            message = json.loads(raw)
            if "id" in message:
                reply = self._replies.pop(message["id"], None)
                if reply is None or reply.done():
                    continue
                if "error" in message:
                    reply.set_exception(BrowserError(str(message["error"])))
                else:
                    reply.set_result(message.get("result", {}))
                continue
            self._on_event(message)

    def _on_event(self, message: dict[str, Any]) -> None:
        method, session_id = message.get("method", ""), message.get("sessionId")
        params = message.get("params", {})
        page = self._pages.get(session_id or "")
        if page is not None:
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                page.errors.append(details.get("exception", {}).get("description", str(details)))
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                page.errors.append(" ".join(str(a.get("value", "")) for a in params["args"]))
        for waiter in list(self._waiters):
            wanted, wanted_session, future = waiter
            if wanted == method and wanted_session == session_id and not future.done():
                future.set_result(params)
                self._waiters.remove(waiter)


@contextlib.asynccontextmanager
async def launch_chromium(binary: str, timeout: float = 30.0) -> AsyncIterator[Browser]:
    """Start headless Chromium with a throw-away profile; stop it and remove the profile after."""
    profile = Path(tempfile.mkdtemp(prefix="reelgraph-chromium-"))
    process = await asyncio.create_subprocess_exec(
        binary,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        "about:blank",
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (port_file.is_file() and len(port_file.read_text().splitlines()) >= 2):
            if process.returncode is not None or time.monotonic() > deadline:
                raise BrowserError(f"chromium did not start (exit status {process.returncode})")
            await asyncio.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        async with connect(f"ws://127.0.0.1:{port}{path}", max_size=64 * 2**20) as socket:
            browser = Browser(process, socket)
            try:
                yield browser
            finally:
                browser._reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await browser._reader
    finally:
        if process.returncode is None:
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()
        shutil.rmtree(profile, ignore_errors=True)
