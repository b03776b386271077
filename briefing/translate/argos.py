"""The argos engine: an installed Argos package's CTranslate2 model and SentencePiece model, used directly.

argostranslate only manages packages here (list, install from the index or from a file). Translation
loads the package's model once per run and sends every segment through `translate_batch` in batches,
with thread counts set explicitly, instead of argostranslate's one-call-per-text `translate()`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.errors import BadModelFile, ModelMissing, TranslationError
from briefing.log import get_logger
from briefing.runtime.jsonl import quoted
from briefing.translate.settings import (
    ARGOS_BATCH_SIZE,
    ARGOS_BEAM_SIZE,
    ARGOS_INTER_THREADS,
    ARGOS_INTRA_THREADS,
    ARGOS_MAX_DECODING,
    ARGOS_MAX_INPUT_TOKENS,
    ARGOS_MAX_MEMBERS,
    ARGOS_MAX_METADATA_BYTES,
    ARGOS_MAX_UNPACK_RATIO,
    ARGOS_MAX_UNPACKED_BYTES,
)

log = get_logger(__name__)

NAME = "argos"


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """An Argos package, installed or in the index."""

    source: str
    target: str
    version: str
    name: str  # the argospm name, e.g. "translate-fr_en"
    path: Path | None = None  # the installed package folder; None for an index entry


def _package_module() -> Any:
    """argostranslate.package, imported only when Argos is used (its import creates Argos's folders)."""
    import argostranslate.package

    return argostranslate.package


def _info(pkg: Any) -> ModelInfo:
    name = f"{getattr(pkg, 'type', 'translate') or 'translate'}-{pkg.from_code}_{pkg.to_code}"
    path = getattr(pkg, "package_path", None)
    return ModelInfo(pkg.from_code, pkg.to_code, str(pkg.package_version or "?"), name, Path(path) if path else None)


def _version_key(info: ModelInfo) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() and len(part) <= _VERSION_PART_DIGITS else 0
                 for part in info.version.split("."))


_VERSION_PART_DIGITS = 18  # a version part past this is no version (and int() of 5,000 digits raises)
_warned_folders: set[Path] = set()  # package folders already reported as unreadable in this process


def installed_models() -> list[ModelInfo]:
    """Installed Argos translation packages, sorted by pair.

    Each package folder is read on its own: one that argostranslate cannot load (no metadata.json, a field of
    the wrong type, a damaged tokenizer) is left out with one warning naming it, instead of hiding every other
    package (and failing every run) behind one traceback.
    """
    package = _package_module()
    import argostranslate.settings

    infos = []
    for directory in argostranslate.settings.package_dirs:
        try:
            folders = sorted(entry for entry in Path(directory).iterdir() if entry.is_dir())
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise TranslationError(f"cannot read the installed Argos packages in {directory}: "
                                   f"{exc.strerror or exc}") from None
        for folder in folders:
            try:
                pkg = package.Package(folder)
            except Exception as exc:  # argostranslate raises whatever the folder's files make it raise
                pkg, reason = None, " ".join(str(exc).split())[:200] or type(exc).__name__
            else:
                reason = "its metadata.json does not name a translation pair and version"
            if pkg is not None and getattr(pkg, "type", "translate") != "translate":
                continue  # a sentence-boundary package, say: not a translation model
            if pkg is None or _metadata_problem(vars(pkg)) is not None:
                if folder not in _warned_folders:
                    _warned_folders.add(folder)
                    log.warning("ignoring the Argos package folder %s (%s); remove it, or install the package "
                                "again", quoted(str(folder)), reason)
                continue
            infos.append(_info(pkg))
    return sorted(infos, key=lambda i: (i.source, i.target, _version_key(i)))


def find_model(source: str, target: str) -> ModelInfo | None:
    """The newest installed package for source→target, or None."""
    matches = [i for i in installed_models() if (i.source, i.target) == (source, target)]
    return max(matches, key=_version_key) if matches else None


def _index_packages() -> list[Any]:
    """Every package in the Argos index, downloaded fresh (needs internet)."""
    import argostranslate.settings

    package = _package_module()
    argos_log = logging.getLogger("argostranslate.utils")
    level = argos_log.level
    argos_log.setLevel(logging.CRITICAL)  # offline it logs a bare URLError; the message below says what to do
    try:
        package.update_package_index()
    finally:
        argos_log.setLevel(level)
    if not Path(argostranslate.settings.local_package_index).is_file():
        raise TranslationError(
            "could not download the Argos package index (no internet?); "
            "install a model offline with: briefing models install --file PATH.argosmodel"
        )
    try:
        return list(package.get_available_packages())
    except (OSError, ValueError) as exc:
        raise TranslationError(f"the Argos package index is unreadable: {exc}") from None


def available_models() -> list[ModelInfo]:
    """Packages in the Argos index (downloads the index: needs internet)."""
    infos = [_info(p) for p in _index_packages() if getattr(p, "type", "translate") == "translate"]
    return sorted(infos, key=lambda i: (i.source, i.target))


def install_model(source: str, target: str) -> ModelInfo:
    """Download and install the index's package for source→target (needs internet)."""
    candidates = [p for p in _index_packages() if (p.from_code, p.to_code) == (source, target)]
    if not candidates:
        raise ModelMissing(f"the Argos index has no {source}->{target} model; see `briefing models list --available`")
    try:
        _package_module().install_from_path(candidates[0].download())
    except Exception as exc:  # argostranslate raises bare Exception for a failed download
        raise TranslationError(
            f"could not download the {source}->{target} model ({exc}); "
            "install it offline with: briefing models install --file PATH.argosmodel"
        ) from None
    installed = find_model(source, target)
    if installed is None:
        raise TranslationError(f"the {source}->{target} model was downloaded but is not installed")
    return installed


def install_model_file(path: Path) -> ModelInfo:
    """Install a local .argosmodel file (offline); raises BadModelFile when it is not a valid package.

    Nothing is installed unless the archive's paths stay in its one folder, its metadata names the pair, and
    its model and tokenizer load. The package is unpacked once, into a temporary folder beside Argos's packages
    folder, loaded there, then moved in whole as `translate-<from>_<to>-<version>` (named from the checked
    metadata, never from the archive's own folder), replacing the same pair and version. The packages folder
    never holds half a package, and a package it held is back in place when the new one cannot go in.
    """
    import argostranslate.settings

    path = Path(path)
    metadata = _check_model_file(path)
    packages = Path(argostranslate.settings.package_data_dir)
    version = str(metadata.get("package_version") or "0").replace(".", "_")  # checked: [0-9A-Za-z.+-]
    final = packages / f"translate-{metadata['from_code']}_{metadata['to_code']}-{version}"
    try:
        packages.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".briefing-install-", dir=packages.parent))
    except OSError as exc:
        raise _cannot_install(packages, exc, "is writable (or set ARGOS_PACKAGES_DIR to another one)") from None
    try:
        package = _unpack(path, staging / "new", packages)
        _check_model_loads(path, package)
        _move_in(package, final, staging / "old", packages)
        info = next((i for i in installed_models() if i.path == final), None)
        if info is None:
            shutil.rmtree(final, ignore_errors=True)
            _put_back(staging / "old", final)
            raise BadModelFile(f"{path}: argostranslate cannot read it once installed; not installed")
        return info
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _unpack(path: Path, folder: Path, packages: Path) -> Path:
    """The (already checked) package unpacked into `folder`: the path of its one top folder."""
    try:
        with zipfile.ZipFile(path) as archive:
            archive.extractall(folder)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a member's data is cut short, corrupt, or fails its CRC
        raise BadModelFile(f"{path}: the archive is damaged ({' '.join(str(exc).split())[:200]}); "
                           "not installed") from None
    except OSError as exc:
        raise _cannot_install(packages, exc, "is writable and has room (nothing was installed)") from None
    (package,) = folder.iterdir()
    return package


def _move_in(package: Path, final: Path, old: Path, packages: Path) -> None:
    """`package` renamed to `final`; a package already there moves to `old` first, and back when the rename
    fails."""
    try:
        if final.exists():
            os.replace(final, old)
        try:
            os.replace(package, final)
        except OSError:
            _put_back(old, final)
            raise
    except OSError as exc:
        raise _cannot_install(packages, exc, "is writable (nothing was changed)") from None


def _put_back(old: Path, final: Path) -> None:
    """The package that was installed, moved aside to `old`, back in its place (when there was one)."""
    if old.exists():
        os.replace(old, final)


def _cannot_install(packages: Path, exc: OSError, check: str) -> TranslationError:
    return TranslationError(f"cannot install into {packages}: {exc.strerror or exc}; check that the folder {check}")


def _check_model_file(path: Path) -> dict[str, Any]:
    """metadata.json of a package file, after checking it holds a model and a SentencePiece model."""
    if not path.is_file():
        raise BadModelFile(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise BadModelFile(f"{path}: not an Argos model (a .argosmodel is a zip archive)")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        unsafe = next((n for n in names if not _safe_member(n)), None)
        if unsafe is not None:
            raise BadModelFile(f"{path}: the archive holds the path {quoted(unsafe)}, which leaves its folder; "
                               "not installed")
        tops = {n.split("/", 1)[0] for n in names}
        if len(tops) != 1 or f"{next(iter(tops))}/metadata.json" not in names:
            raise BadModelFile(f"{path}: expected one folder with metadata.json inside the archive")
        if len(names) > ARGOS_MAX_MEMBERS:
            raise BadModelFile(f"{path}: the archive holds {len(names):,} files, far more than a model; not installed")
        odd = next((m for m in archive.infolist()
                    if m.compress_type not in _PLAIN_COMPRESSION or m.flag_bits & _ENCRYPTED), None)
        if odd is not None:
            raise BadModelFile(f"{path}: {quoted(odd.filename)} is encrypted or packed in a way Argos packages never "
                               "are (they use deflate); not installed")
        unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > min(ARGOS_MAX_UNPACKED_BYTES, ARGOS_MAX_UNPACK_RATIO * max(path.stat().st_size, 1)):
            raise BadModelFile(f"{path}: the archive would unpack to {unpacked / 2**20:,.0f} MB, far more than a "
                               "model; not installed")
        top = next(iter(tops))
        if archive.getinfo(f"{top}/metadata.json").file_size > ARGOS_MAX_METADATA_BYTES:
            raise BadModelFile(f"{path}: metadata.json is larger than 1 MB; not an Argos package")
        try:
            metadata = json.loads(archive.read(f"{top}/metadata.json").decode("utf-8"))
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            reason = "nested too deep" if isinstance(exc, RecursionError) else " ".join(str(exc).split())[:200]
            raise BadModelFile(f"{path}: metadata.json is not valid UTF-8 JSON ({reason})") from None
        problem = _metadata_problem(metadata)
        if problem is not None:
            raise BadModelFile(f"{path}: metadata.json {problem}; not installed")
        if f"{top}/model/model.bin" not in names:
            raise BadModelFile(f"{path}: no CTranslate2 model (model/model.bin) inside")
        if f"{top}/sentencepiece.model" not in names:
            raise BadModelFile(f"{path}: no sentencepiece.model inside (BPE packages are not supported)")
    return metadata


_LANG_CODE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?")  # fr, en, zh_Hant, pt-BR (whole value)
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+-]{0,31}")  # 1.9, 1.0.2, 2.0-beta
_PLAIN_COMPRESSION = frozenset((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED))  # bzip2/LZMA ignore the sizes declared
_ENCRYPTED = 0x1  # general-purpose flag bit 0
# metadata fields argostranslate reads as lists or as text (Package.load_metadata_from_json): another type
# makes every later listing of the packages fail
_LIST_FIELDS = ("from_codes", "to_codes", "links", "languages", "dependencies", "source_languages",
                "target_languages")
_TEXT_FIELDS = ("code", "from_name", "to_name", "argos_version", "target_prefix")


def _metadata_problem(metadata: Any) -> str | None:
    """What is wrong with a package's metadata for briefing and for argostranslate, or None: a translation
    package naming its pair as language codes and its version as a version; every field argostranslate reads of
    the type it expects."""
    if not isinstance(metadata, dict):
        return "must be a JSON object"
    codes = (metadata.get("from_code"), metadata.get("to_code"))
    if not all(isinstance(code, str) and _LANG_CODE.fullmatch(code) for code in codes):
        return "must name from_code and to_code as language codes"
    version = metadata.get("package_version", "")
    if isinstance(version, int) and not isinstance(version, bool) and 0 <= version < 10**_VERSION_PART_DIGITS:
        version = str(version)
    if not isinstance(version, str) or (version and not _VERSION.fullmatch(version)):
        return "must give package_version as a version string (such as \"1.9\")"
    if metadata.get("type", "translate") != "translate":
        return "must be a translation package (type \"translate\")"
    wrong = next((k for k in _LIST_FIELDS if not isinstance(metadata.get(k, []), list)), None)
    wrong = wrong or next((k for k in _TEXT_FIELDS if not isinstance(metadata.get(k, ""), str | None)), None)
    if wrong is not None:
        return f"has {wrong} of the wrong type"
    return None


def _safe_member(name: str) -> bool:
    """True for a relative archive path that stays inside its folder (no `..`, `.`, absolute or drive part)."""
    parts = name.replace("\\", "/").split("/")
    return bool(parts[0]) and ":" not in parts[0] and not any(p in (".", "..") for p in parts)


def _check_model_loads(path: Path, package: Path) -> None:
    """Load the model and tokenizer of `package`, the unpacked folder of the package file `path`."""
    import ctranslate2
    import sentencepiece

    try:
        sentencepiece.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
        ctranslate2.Translator(str(package / "model"), device="cpu", inter_threads=1, intra_threads=1)
    except (OSError, RuntimeError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise BadModelFile(f"{path}: its model cannot be loaded ({reason}); not installed") from None


class ArgosEngine:
    """One installed package's models, loaded once; translates segments in batches."""

    name = NAME

    def __init__(self, source: str, target: str) -> None:
        info = find_model(source, target)
        if info is None or info.path is None:
            raise ModelMissing(
                f"no Argos model for {source}->{target} is installed; "
                f"install one with: briefing models install {source} {target} "
                "(or offline: briefing models install --file PATH.argosmodel)"
            )
        import ctranslate2
        import sentencepiece

        self.info = info
        self.version = f"{info.name}@{info.version}"
        try:
            self._tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(info.path / "sentencepiece.model"))
            self._model: Any = ctranslate2.Translator(
                str(info.path / "model"), device="cpu",
                inter_threads=ARGOS_INTER_THREADS, intra_threads=ARGOS_INTRA_THREADS,
            )
        except (OSError, RuntimeError, ValueError) as exc:
            raise TranslationError(f"the Argos model in {info.path} cannot be loaded: {exc}") from None
        prefix = _target_prefix(info.path)
        self._prefix = self._tokenizer.encode(prefix, out_type=str) if prefix else None
        self.calls = 0  # translate_batch calls so far (the benchmark reports batches per run)

    def token_count(self, text: str) -> int:
        """How many SentencePiece tokens `text` is (what CTranslate2's input limit counts)."""
        return len(self._tokenizer.encode(text, out_type=str))

    max_tokens = ARGOS_MAX_INPUT_TOKENS

    def translate(self, segments: Sequence[str]) -> list[str]:
        """One translation per segment, all in batched `translate_batch` calls; empty stays empty."""
        out = [""] * len(segments)
        todo = [(i, s.strip()) for i, s in enumerate(segments) if s.strip()]
        if not todo:
            return out
        tokens = [self._tokenizer.encode(text, out_type=str) for _, text in todo]
        prefixes = [self._prefix] * len(tokens) if self._prefix else None
        self.calls += 1
        results = self._model.translate_batch(
            tokens, target_prefix=prefixes, max_batch_size=ARGOS_BATCH_SIZE, beam_size=ARGOS_BEAM_SIZE,
            max_input_length=0,  # our chunking keeps inputs short; never let CTranslate2 cut silently
            max_decoding_length=ARGOS_MAX_DECODING,
        )
        for (index, _), result in zip(todo, results, strict=True):
            pieces = result.hypotheses[0]
            if self._prefix:
                pieces = pieces[len(self._prefix):]
            out[index] = self._tokenizer.decode(pieces).strip()
        return out

    def close(self) -> None:
        """Free the model's memory."""
        self._model = None


def _target_prefix(package_path: Path) -> str:
    try:
        metadata = json.loads((package_path / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    prefix = metadata.get("target_prefix", "") if isinstance(metadata, dict) else ""
    return prefix if isinstance(prefix, str) else ""
