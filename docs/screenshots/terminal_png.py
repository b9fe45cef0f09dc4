"""Turn a captured terminal screen (text with ANSI colours) into a PNG, for the README's screenshots.

    tmux new-session -d -s demo -x 100 -y 50 'python3 dev.py demo; sleep 600'
    tmux capture-pane -t demo -e -p -S -80 > demo.ansi        # -e keeps the colours
    .venv/bin/python docs/screenshots/terminal_png.py demo.ansi docs/screenshots/demo_terminal.png

rich draws the text as an SVG terminal window; headless Chromium (Debian's, as in the browser tests)
rasterises it.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture", type=Path, help="text with ANSI escape codes (tmux capture-pane -e -p)")
    parser.add_argument("png", type=Path)
    parser.add_argument("--title", default="python3 dev.py demo")
    parser.add_argument("--width", type=int, default=100, help="terminal columns")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright
    from rich.console import Console
    from rich.text import Text

    lines = args.capture.read_text(encoding="utf-8").rstrip().splitlines()
    console = Console(record=True, width=args.width, force_terminal=True, color_system="truecolor",
                      file=io.StringIO())  # fmt: skip
    for line in lines:
        console.print(Text.from_ansi(line), soft_wrap=True)
    svg = console.export_svg(title=args.title)
    with sync_playwright() as p:
        flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=flags)
        page = browser.new_page(device_scale_factor=1)
        page.set_content(f"<html><body style='margin:0;background:white'>{svg}</body></html>")
        page.locator("svg").screenshot(path=str(args.png))
        browser.close()
    print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
