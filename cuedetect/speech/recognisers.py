"""Speech recognisers behind one interface: samples in, timed words with confidences out.

`PocketsphinxRecogniser` is the embedded default: its US English acoustic model, dictionary and
language model ship inside the `pocketsphinx` wheel (BSD), so nothing is downloaded. It also spots the
phrase list with pocketsphinx's keyword search (per-phrase thresholds), which finds cue phrases that a
free transcript garbles ("calm down" -> "colombo").

`FasterWhisperRecogniser` is the stronger optional one: `pip install 'cuedetect[whisper]'` and a
faster-whisper (CTranslate2) model folder already on the machine (`SpeechSettings.model_path`); it is not
installed by default and nothing is fetched at run time. Its phrases are spotted in its transcript.

Both follow MediaPipe Tasks' idiom: an options dataclass, `create_from_options`, a context manager.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

import numpy as np

from cuedetect.errors import InputError, ModelUnavailableError

RATE = 16000
FRAME_S = 0.01  # pocketsphinx's frame rate: 100 frames per second
SEARCH_HIT_CONFIDENCE = 0.6  # a keyword-search hit alone; the phrase in the transcript as well: 0.9


@dataclass(frozen=True)
class Word:
    """One recognised word: times in seconds from the start of the recording."""

    start: float
    end: float
    word: str
    confidence: float


@dataclass(frozen=True)
class Hit:
    """One spotted phrase."""

    start: float
    end: float
    phrase: str
    confidence: float


class Recogniser(Protocol):
    """What the speech stage needs of a recogniser."""

    name: str

    def transcribe(self, samples: np.ndarray, offset: float) -> list[Word]:
        """Words in `samples` (float32 mono at 16 kHz) whose first sample is at `offset` seconds."""
        ...

    def spot(self, samples: np.ndarray, offset: float) -> list[Hit]:
        """Phrases of the phrase list heard in `samples` (an empty list if it does not spot)."""
        ...

    def known(self, word: str) -> bool:
        """True when the recogniser can hear `word` (it is in its dictionary)."""
        ...

    def phone_mismatch(self, samples: np.ndarray, words: list[Word]) -> tuple[int, int] | None:
        """(phone edits, phones): how far `words`' pronunciations are from the phones heard in `samples`
        by a free phone loop; None when the recogniser cannot tell (the language check is skipped)."""
        ...

    def close(self) -> None: ...


def edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Word-level Levenshtein distance (substitutions, insertions, deletions)."""
    d = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        prev, d[0] = d[:], i
        for j in range(1, len(b) + 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
    return d[-1]


def _pcm16(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


_VARIANT = re.compile(r"\(\d+\)$")


def _plain(word: str) -> str | None:
    """A dictionary entry as a word ("you(2)" -> "you"); None for silences, fillers and noises."""
    if not word or word[0] in "<[" or word.startswith("++"):
        return None
    return _VARIANT.sub("", word)


@dataclass(frozen=True)
class PocketsphinxOptions:
    """Options of `PocketsphinxRecogniser`.

    Attributes:
        keyphrases: (phrase, threshold) pairs to spot; thresholds are pocketsphinx's `-kws_threshold`
            (smaller finds more: 1e-30 is lax, 1e-5 strict).
        decoder_config: extra pocketsphinx decoder settings. The defaults (no flat-lexicon pass, at most 3000
            HMMs per frame, phonetic lookahead 5) cost 0.17x real time of CPU against pocketsphinx's own
            defaults' 0.55x, at a word error rate 0.825 against 0.797 on espeak-ng lines (measured here).
            The lattice's best path (pocketsphinx's `bestpath`, on) stays: it gives the word posteriors
            (the confidences) and cut the word error rate from 0.65 to 0.55 on 4 tuning dialogues for
            0.01x real time; fewer HMMs per frame (2000: 0.578, 1500: 0.660) or `ds` 2 (0.653) cost more
            words than they save time. `topn` 2 (Gaussians scored per frame; pocketsphinx's default 4):
            0.223x and 0.210x against 0.275x and 0.228x real time (alternating runs) and a word error
            rate 0.633 against 0.647 on 6 tuning dialogues (2026-12-07, load 27-40); fewer HMMs per frame
            (`maxhmmpf` 2000: 0.182x, 0.654) or a narrower beam (1e-40: 0.169x, 0.703) cost words.
    """

    keyphrases: tuple[tuple[str, float], ...] = ()
    decoder_config: tuple[tuple[str, Any], ...] = (("fwdflat", False), ("maxhmmpf", 3000), ("pl_window", 5),
                                                   ("topn", 2))  # fmt: skip


class PocketsphinxRecogniser:
    """pocketsphinx's US English model: a transcript (language model search) and phrase spotting."""

    name = "pocketsphinx"

    def __init__(self, options: PocketsphinxOptions) -> None:
        try:
            from pocketsphinx import Decoder
        except ImportError as exc:  # a dependency of the package: only a broken install lands here
            raise ModelUnavailableError(f"pocketsphinx is not installed ({exc})") from None
        self.options = options
        quiet = {"logfn": "/dev/null", "samprate": RATE}
        self._words = Decoder(**quiet, **dict(options.decoder_config))
        self._kws = None
        self._kws_file: tempfile.TemporaryDirectory[str] | None = None
        if options.keyphrases:
            unknown = sorted({w for p, _ in options.keyphrases for w in p.split() if not self.known(w)})
            if unknown:
                raise InputError(f"phrase list: pocketsphinx's dictionary lacks {', '.join(unknown)}: "
                                 "use other wording (or another recogniser)")  # fmt: skip
            self._kws_file = tempfile.TemporaryDirectory(prefix="cuedetect-kws-")
            path = Path(self._kws_file.name) / "phrases.kws"
            path.write_text("".join(f"{p} /{t:.0e}/\n" for p, t in options.keyphrases))
            self._kws = Decoder(**quiet, kws=str(path))
        self._phones = None  # the free phone loop, made on first use (the language check)

    @classmethod
    def create_from_options(cls, options: PocketsphinxOptions | None = None) -> PocketsphinxRecogniser:
        return cls(options or PocketsphinxOptions())

    def known(self, word: str) -> bool:
        return self._words.lookup_word(word) is not None

    def _decode(self, decoder: Any, samples: np.ndarray) -> None:
        decoder.start_utt()
        decoder.process_raw(_pcm16(samples), no_search=False, full_utt=True)
        decoder.end_utt()

    def transcribe(self, samples: np.ndarray, offset: float) -> list[Word]:
        d = self._words
        self._decode(d, samples)
        if d.hyp() is None:
            return []
        # word confidence: the word's posterior probability in the lattice (pocketsphinx's own measure). On
        # 4 tuning dialogues 74% of the words at 0.5 or above were said there, 37% of those below it.
        return [Word(offset + s.start_frame * FRAME_S, offset + (s.end_frame + 1) * FRAME_S, w,
                     float(np.clip(s.prob, 0.0, 1.0)))
                for s in d.seg() or [] if (w := _plain(s.word))]  # fmt: skip

    def spot(self, samples: np.ndarray, offset: float) -> list[Hit]:
        if self._kws is None:
            return []
        self._decode(self._kws, samples)
        if self._kws.hyp() is None:
            return []
        # pocketsphinx's keyword search reports no usable score (its segment probability is always 1):
        # a search hit alone counts as SEARCH_HIT_CONFIDENCE
        return [Hit(offset + s.start_frame * FRAME_S, offset + (s.end_frame + 1) * FRAME_S, s.word.strip(),
                    SEARCH_HIT_CONFIDENCE) for s in self._kws.seg() or []]  # fmt: skip

    def phone_mismatch(self, samples: np.ndarray, words: list[Word]) -> tuple[int, int] | None:
        from pocketsphinx import Decoder

        if self._phones is None:
            model = Path(self._words.get_config()["hmm"]).parent  # the wheel's model/en-us/
            loop = str(model / "en-us-phone.lm.bin")
            self._phones = Decoder(logfn="/dev/null", samprate=RATE, allphone=loop, lm=None, lw=2.0, pip=0.3,
                                   beam=1e-20, pbeam=1e-20)  # fmt: skip
        said = " ".join(self._words.lookup_word(w.word) or "" for w in words).split()
        self._decode(self._phones, samples)
        heard = [s.word for s in self._phones.seg() or [] if s.word not in ("SIL", "<s>", "</s>", "<sil>")]
        return edit_distance(said, heard), max(len(said), 1)

    def close(self) -> None:
        if self._kws_file is not None:
            self._kws_file.cleanup()
            self._kws_file = None

    def __enter__(self) -> PocketsphinxRecogniser:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None,
                 ) -> None:  # fmt: skip
        self.close()


@dataclass(frozen=True)
class FasterWhisperOptions:
    """Options of `FasterWhisperRecogniser`: a local CTranslate2 model folder, run on the CPU."""

    model_path: Path
    compute_type: str = "int8"
    language: str = "en"
    beam_size: int = 1


class FasterWhisperRecogniser:
    """faster-whisper (MIT) on a model folder the user already has; optional extra, never downloads."""

    name = "faster-whisper"

    def __init__(self, options: FasterWhisperOptions) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise ModelUnavailableError(
                "faster-whisper is not installed: pip install 'cuedetect[whisper]' (or use pocketsphinx)"
            ) from None
        path = Path(options.model_path)
        if not (path / "model.bin").is_file():
            raise ModelUnavailableError(f"no faster-whisper model in {path} (expected model.bin there)")
        self.options = options
        self._model = WhisperModel(str(path), device="cpu", compute_type=options.compute_type,
                                   local_files_only=True)  # fmt: skip

    @classmethod
    def create_from_options(cls, options: FasterWhisperOptions) -> FasterWhisperRecogniser:
        return cls(options)

    def known(self, word: str) -> bool:
        return True  # an open vocabulary

    def transcribe(self, samples: np.ndarray, offset: float) -> list[Word]:
        segments, _ = self._model.transcribe(
            samples.astype(np.float32), language=self.options.language, beam_size=self.options.beam_size,
            word_timestamps=True, vad_filter=False, condition_on_previous_text=False,
        )  # fmt: skip
        out = []
        for seg in segments:
            for w in seg.words or []:
                text = re.sub(r"[^a-z']", "", w.word.lower())
                if text:
                    a, b = offset + float(w.start), offset + float(w.end)
                    out.append(Word(a, b, text, float(w.probability)))
        return out

    def spot(self, samples: np.ndarray, offset: float) -> list[Hit]:
        return []  # its transcript is good enough: phrases are matched in the words

    def phone_mismatch(self, samples: np.ndarray, words: list[Word]) -> tuple[int, int] | None:
        return None  # set `FasterWhisperOptions.language`; whisper transcribes other languages itself

    def close(self) -> None:
        self._model = None

    def __enter__(self) -> FasterWhisperRecogniser:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None,
                 ) -> None:  # fmt: skip
        self.close()


def create_recogniser(kind: str, keyphrases: tuple[tuple[str, float], ...] = (),
                      model_path: Path | None = None) -> Recogniser:  # fmt: skip
    """The recogniser a `SpeechSettings.recogniser` names."""
    if kind == "pocketsphinx":
        return PocketsphinxRecogniser.create_from_options(PocketsphinxOptions(keyphrases))
    if kind == "faster-whisper":
        if model_path is None:
            raise InputError("faster-whisper needs its model folder (speech setting model_path)")
        return FasterWhisperRecogniser.create_from_options(FasterWhisperOptions(Path(model_path)))
    raise InputError(f"unknown speech recogniser {kind!r}: pocketsphinx or faster-whisper")
