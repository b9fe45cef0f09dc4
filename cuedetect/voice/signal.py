"""Frame-wise measures of one channel: level, BS.1770 loudness, pitch (YIN) and voice activity.

Plain functions over numpy arrays. Frames are `HOP_S` apart; frame k covers the samples centred on
`k * HOP_S` seconds from the channel's first sample.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

HOP_S = 0.01
# ITU-R BS.1770-4 K-weighting, as analogue prototypes so any sample rate gets the same curve
# (the coefficients libebur128 and pyloudnorm derive): a +4 dB high shelf, then a high-pass.
_SHELF_F0, _SHELF_G_DB, _SHELF_Q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
_HP_F0, _HP_Q = 38.13547087602444, 0.5003270373238773
MOMENTARY_S = 0.4  # BS.1770 momentary loudness window
FLOOR_DB = -100.0


def k_weighting(rate: int) -> tuple[np.ndarray, np.ndarray]:
    """The BS.1770 K-weighting filter at `rate` as one (sos) cascade of two biquads: (sos, gain-free)."""
    K = math.tan(math.pi * _SHELF_F0 / rate)
    Vh = 10 ** (_SHELF_G_DB / 20)
    Vb = Vh**0.4996667741545416
    a0 = 1 + K / _SHELF_Q + K * K
    shelf = [(Vh + Vb * K / _SHELF_Q + K * K) / a0, 2 * (K * K - Vh) / a0,
             (Vh - Vb * K / _SHELF_Q + K * K) / a0,
             1.0, 2 * (K * K - 1) / a0, (1 - K / _SHELF_Q + K * K) / a0]  # fmt: skip
    K = math.tan(math.pi * _HP_F0 / rate)
    a0 = 1 + K / _HP_Q + K * K
    highpass = [1.0, -2.0, 1.0, 1.0, 2 * (K * K - 1) / a0, (1 - K / _HP_Q + K * K) / a0]
    return np.array([shelf, highpass]), np.array([])


def _frame_power(x2: np.ndarray, rate: int, window_s: float, n_frames: int) -> np.ndarray:
    """Mean of `x2` over a centred window of `window_s` around each frame (a running sum)."""
    hop = round(HOP_S * rate)
    half = max(1, round(window_s * rate / 2))
    c = np.concatenate([[0.0], np.cumsum(x2, dtype=np.float64)])
    centre = np.arange(n_frames) * hop
    lo = np.clip(centre - half, 0, len(x2))
    hi = np.clip(centre + half, 0, len(x2))
    width = np.maximum(hi - lo, 1)
    return (c[hi] - c[lo]) / width


def n_frames(n_samples: int, rate: int) -> int:
    return int(n_samples // round(HOP_S * rate)) + (1 if n_samples else 0)


def level_db(x: np.ndarray, rate: int, window_s: float = 0.04) -> np.ndarray:
    """RMS level in dBFS (a full-scale sine is -3 dB) of each frame over `window_s`."""
    p = _frame_power(np.square(x, dtype=np.float64), rate, window_s, n_frames(len(x), rate))
    return 10 * np.log10(np.maximum(p, 10 ** (FLOOR_DB / 10)))


def band_level_db(x: np.ndarray, rate: int, band_hz: tuple[float, float] | None,
                  window_s: float = 0.04) -> np.ndarray:  # fmt: skip
    """`level_db` of `x` band-passed to `band_hz` (4th-order Butterworth; None: the whole band)."""
    if band_hz is None or len(x) == 0:
        return level_db(x, rate, window_s)
    from scipy.signal import butter, sosfiltfilt

    lo, hi = band_hz
    sos = butter(4, [lo, min(hi, 0.45 * rate)], btype="bandpass", fs=rate, output="sos")
    return level_db(sosfiltfilt(sos, x.astype(np.float64)), rate, window_s)


def loudness_lufs(x: np.ndarray, rate: int, window_s: float = MOMENTARY_S) -> np.ndarray:
    """BS.1770 loudness (LUFS) of each frame over a centred `window_s` window (0.4 s: momentary)."""
    from scipy.signal import sosfilt

    if len(x) == 0:  # sosfilt cannot filter an empty signal (a live window before any sound arrived)
        return np.empty(0)
    sos, _ = k_weighting(rate)
    y = sosfilt(sos, x.astype(np.float64))
    p = _frame_power(np.square(y), rate, window_s, n_frames(len(x), rate))
    return -0.691 + 10 * np.log10(np.maximum(p, 10 ** (FLOOR_DB / 10)))


def integrated_loudness(x: np.ndarray, rate: int) -> float:
    """BS.1770-4 gated integrated loudness (LUFS) of one channel: the programme-loudness reference."""
    from scipy.signal import sosfilt

    sos, _ = k_weighting(rate)
    y = np.square(sosfilt(sos, x.astype(np.float64)))
    block, step = round(0.4 * rate), round(0.1 * rate)
    if len(y) < block:
        return float("-inf")
    c = np.concatenate([[0.0], np.cumsum(y)])
    starts = np.arange(0, len(y) - block + 1, step)
    z = (c[starts + block] - c[starts]) / block
    lk = -0.691 + 10 * np.log10(np.maximum(z, 1e-30))
    z = z[lk > -70]
    if not len(z):
        return float("-inf")
    rel = -0.691 + 10 * np.log10(z.mean()) - 10
    z = z[-0.691 + 10 * np.log10(z) > rel]
    return float(-0.691 + 10 * np.log10(z.mean()))


def yin(x: np.ndarray, rate: int, frames: np.ndarray | None = None, fmin: float = 65.0, fmax: float = 450.0,
        threshold: float = 0.2, window_s: float = 0.025) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Fundamental frequency by YIN (de Cheveigné & Kawahara 2002) at the frames in `frames`.

    Args:
        x: one channel. rate: its sample rate.
        frames: frame indices to measure (default all); other frames get NaN.
        fmin, fmax: the pitch range searched (Hz). threshold: the cumulative-mean-normalised difference
            below which a period counts (YIN's absolute threshold).

    Returns:
        (f0_hz, aperiodicity): f0 NaN where no period is found; aperiodicity 0 (a pure tone) to 1.
    """
    total = n_frames(len(x), rate)
    f0 = np.full(total, np.nan)
    aper = np.ones(total)
    idx = np.arange(total) if frames is None else np.asarray(frames, dtype=int)
    if not len(idx) or len(x) == 0:
        return f0, aper
    hop = round(HOP_S * rate)
    W = round(window_s * rate)
    tau_min, tau_max = max(2, int(rate / fmax)), math.ceil(rate / fmin)
    N = W + tau_max + 2
    nfft = 1 << (N - 1).bit_length()  # lags up to tau_max never wrap around
    xp = np.pad(x.astype(np.float64), (W // 2, N))
    for block in np.array_split(idx, max(1, len(idx) // 1500)):
        seg = np.lib.stride_tricks.sliding_window_view(xp, N)[block * hop]  # (b, N): frame centred at k*hop
        head = seg[:, :W]
        r = np.fft.irfft(np.fft.rfft(seg, nfft) * np.conj(np.fft.rfft(head, nfft)), nfft)[:, : tau_max + 1]
        sq = np.concatenate([np.zeros((len(seg), 1)), np.cumsum(seg**2, axis=1)], axis=1)
        e0 = sq[:, W][:, None]
        taus = np.arange(tau_max + 1)
        et = sq[:, taus + W] - sq[:, taus]
        d = np.maximum(e0 + et - 2 * r, 0.0)
        d[:, 0] = 0
        cum = np.cumsum(d[:, 1:], axis=1)
        cmnd = np.ones_like(d)
        cmnd[:, 1:] = d[:, 1:] * taus[1:] / np.maximum(cum, 1e-12)
        search = cmnd[:, tau_min : tau_max + 1]
        below = search < threshold
        has = below.any(axis=1)
        first = np.where(has, below.argmax(axis=1), search.argmin(axis=1))
        # from the first dip under the threshold, walk down to its local minimum
        cols = np.arange(search.shape[1] - 1)
        rising = (search[:, 1:] >= search[:, :-1]) & (cols[None, :] >= first[:, None])
        rising[:, -1] = True
        best = rising.argmax(axis=1)
        best = np.where(has, best, first)
        rows = np.arange(len(best))
        val = search[rows, best]
        # parabolic interpolation around the minimum
        lo = search[rows, np.maximum(best - 1, 0)]
        hi = search[rows, np.minimum(best + 1, search.shape[1] - 1)]
        den = lo - 2 * val + hi
        shift = np.where(np.abs(den) > 1e-12, 0.5 * (lo - hi) / np.where(den == 0, 1, den), 0.0)
        tau = best + tau_min + np.clip(shift, -1, 1)
        voiced = has & (val < threshold)
        f0[block] = np.where(voiced, rate / tau, np.nan)
        aper[block] = np.clip(val, 0, 1)
    return f0, aper


def voice_activity(x: np.ndarray, rate: int, level: np.ndarray, aggressiveness: int = 2,
                   min_level_db: float = -55.0, above_floor_db: float = 12.0) -> np.ndarray:  # fmt: skip
    """Speech (True) per frame: WebRTC's VAD, gated by level so room noise never counts.

    A frame is speech when the WebRTC detector says so on its 10 ms and its level is above both
    `min_level_db` and the channel's noise floor (10th percentile of levels) + `above_floor_db`.
    """
    import webrtcvad

    total = n_frames(len(x), rate)
    hop = round(HOP_S * rate)
    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2")
    pcm = np.pad(pcm, (0, total * hop - len(pcm) + hop))
    floor = float(np.percentile(level, 10)) if len(level) else FLOOR_DB
    gate = (level > min_level_db) & (level > floor + above_floor_db)
    vad = webrtcvad.Vad(aggressiveness)
    out = np.zeros(total, bool)
    buf = pcm.tobytes()
    step = 2 * hop
    for k in np.flatnonzero(gate):
        # frame k is centred on k*hop: judge the 10 ms block starting there
        out[k] = vad.is_speech(buf[k * step : (k + 1) * step], rate)
    return out


def close_gaps(mask: np.ndarray, max_gap: int, min_run: int = 1) -> np.ndarray:
    """Fill False runs shorter than `max_gap` frames between True runs, then drop True runs < `min_run`."""
    out = mask.copy()
    runs = runs_of(out)
    for (_, e0), (s1, _) in itertools.pairwise(runs):
        if s1 - e0 <= max_gap:
            out[e0:s1] = True
    for s, e in runs_of(out):
        if e - s < min_run:
            out[s:e] = False
    return out


def runs_of(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index pairs of the True runs of a boolean array."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.flatnonzero(np.diff(m.astype(np.int8)))
    return list(zip(d[::2].tolist(), d[1::2].tolist(), strict=True))
