"""Live practice page: the live engineer's `render_live_page` (camera in the browser, cues as they
happen, then the stored session opens in Session review)."""

from __future__ import annotations

from cuedetect.dashboard.views.context import Ctx, go


def render(ctx: Ctx) -> None:
    from cuedetect.live.dashboard_page import render_live_page

    render_live_page(
        store_path=ctx.store_path,
        record_dir=ctx.data_dir / "live",
        trainee=ctx.me if ctx.trainee_mode else None,
        open_review=lambda sid: go("review", sid),
    )
