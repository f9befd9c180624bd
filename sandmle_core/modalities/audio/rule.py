"""The hidden rule of an audio environment: one label-bearing sound event per class, heard under realistic nuisance.

A class is a sound event (`SoundEvent`): a frequency-modulated call, a repeated chirp, a harmonic stack, a pulse
train or a long sweep, at class frequencies, duration and rates; the "none" event is the empty class of a detection
(binary) task. Each clip places its event at a random onset, shifts its pitch a little, and buries it under
nuisance whose strength is a rule field set from the difficulty: background noise of a random colour (white, pink,
brown) at a drawn signal-to-noise ratio, overlapping distractor events from a pool shared by every class (so they
carry no label), a random recording gain and occasional clipping. Labels flip to another class with probability
`label_noise` after the oracle. The clips are WAV or AIFF files, and training clips may carry their (published)
label in the file name as the right-whale challenge's do. Everything is plain JSON, so the rule fits config.yaml
and the spec hash.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["EVENT_KINDS", "AudioRule", "SoundEvent"]

EVENT_KINDS = ("call", "chirp", "harmonic", "pulse", "sweep")
"""The label-bearing event kinds ("none" is only the empty class of a detection task)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SoundEvent(_Frozen):
    """One sound event.

    Attributes:
        kind: call (tone with vibrato), chirp (short sweeps repeated at `rate`), harmonic (a stack of `harmonics`
            partials over f0), pulse (tone bursts at `rate` per second), sweep (one glide f0 → f1), none (silence).
        f0: start (or fundamental) frequency, Hz.
        f1: end frequency of a chirp or sweep, Hz (= f0 for the other kinds).
        duration: event length, seconds.
        rate: vibrato rate (call), repeat rate (chirp) or pulse rate (pulse), per second.
        depth: vibrato depth of a call, Hz.
        harmonics: partials of a harmonic stack (1 for the other kinds).
    """

    kind: Literal["none", "call", "chirp", "harmonic", "pulse", "sweep"]
    f0: float = Field(ge=0.0, le=8000.0)
    f1: float = Field(ge=0.0, le=8000.0)
    duration: float = Field(ge=0.0, le=4.0)
    rate: float = Field(ge=0.0, le=60.0)
    depth: float = Field(ge=0.0, le=400.0)
    harmonics: int = Field(ge=1, le=8)


class AudioRule(_Frozen):
    """Per-class sound events and the nuisance model of an audio classification environment.

    Attributes:
        sample_rate: samples per second of every clip.
        clip_seconds: length of every clip (all clips are equally long, so length and file size say nothing).
        events: one event per class, in the order of the target's classes.
        class_weights: class prior shares, same order (sum to 1).
        pitch_sd: sd of the per-clip relative pitch shift of the class event.
        snr_db: (low, high) of the uniform event-to-noise ratio, dB.
        noise_colours: shares of white, pink and brown background noise.
        distractors: the pool of nuisance events, shared by every class.
        distractor_rate: expected overlapping distractor events per clip (Poisson, at most 3).
        distractor_db: (low, high) of a distractor's level relative to the noise, dB.
        gain_db: (low, high) of the uniform recording gain, dB.
        clip_rate: share of clips recorded too hot and hard-clipped.
        label_noise: probability that a label is replaced by a uniformly drawn other class.
        file_format: the clips' container: mono 16-bit "wav", or "aiff" (big-endian) as the whale challenge ships.
        label_in_name: training clips are named `<id>_<label>.<ext>` as the whale challenge names them (test clips
            `<id>.<ext>`, no label); the label stays in train.csv too.
        species_calls: 0 for a one-class-per-clip task; above 0 a multi-label task in mle-bench's mlsp-2013-birds
            shape (`multilabel.py`): every class is a species whose call is heard in a clip independently, about
            this many species per clip, and `class_weights` are the species' relative prevalences.
    """

    kind: Literal["audio"] = "audio"
    sample_rate: int = Field(default=4000, ge=2000, le=16000)
    clip_seconds: float = Field(default=1.0, ge=0.5, le=4.0)
    events: tuple[SoundEvent, ...] = Field(min_length=2)
    class_weights: tuple[float, ...]
    pitch_sd: float = Field(ge=0.0, le=0.2)
    snr_db: tuple[float, float]
    noise_colours: tuple[float, float, float]
    distractors: tuple[SoundEvent, ...] = Field(min_length=1)
    distractor_rate: float = Field(ge=0.0, le=3.0)
    distractor_db: tuple[float, float]
    gain_db: tuple[float, float]
    clip_rate: float = Field(ge=0.0, le=0.5)
    label_noise: float = Field(ge=0.0, lt=0.5)
    file_format: Literal["wav", "aiff"] = "wav"
    label_in_name: bool = False
    species_calls: float = Field(default=0.0, ge=0.0, le=4.0)
    species: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> AudioRule:
        k = len(self.events)
        if len(self.class_weights) != k:
            raise ValueError(f"class_weights needs {k} entries, has {len(self.class_weights)}")
        if min(self.class_weights) <= 0 or abs(sum(self.class_weights) - 1.0) > 1e-3:
            raise ValueError(f"class_weights must be positive and sum to 1, got {self.class_weights}")
        if min(self.noise_colours) < 0 or abs(sum(self.noise_colours) - 1.0) > 1e-3:
            raise ValueError(f"noise_colours must be shares summing to 1, got {self.noise_colours}")
        for name, (low, high) in (("snr_db", self.snr_db), ("distractor_db", self.distractor_db),
                                  ("gain_db", self.gain_db)):
            if not -40.0 <= low <= high <= 40.0:
                raise ValueError(f"{name} must satisfy -40 <= low <= high <= 40, got {(low, high)}")
        nyquist = self.sample_rate / 2
        for event in (*self.events, *self.distractors):
            if max(event.f0, event.f1) * event.harmonics >= nyquist and event.kind != "none":
                raise ValueError(f"a {event.kind} event at {event.f0}-{event.f1} Hz x{event.harmonics} aliases "
                                 f"at {self.sample_rate} samples/s")
            if event.duration > self.clip_seconds:
                raise ValueError(f"a {event.duration}s event does not fit a {self.clip_seconds}s clip")
        if sum(e.kind == "none" for e in self.events) > 1:
            raise ValueError("at most one class may be the empty ('none') event")
        return self
