"""How the browser tests and benchmarks start Debian's Chromium: headless, and quiet on the network.

Without the background-networking flags Chromium calls home at start, which this project's tests
forbid (no request may leave 127.0.0.1).
"""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
