"""A distribution file's identity beyond its spelling: `P-1.0-py3-none-any.whl`,
`p-1.00-py3-none-any.whl` and `p-1.0.0-py3-none-any.whl` are one file of one release, so a
file deleted under one spelling is not uploaded again under another. A build tag stays the
legitimate way to add a new file to a release."""
from __future__ import annotations


def canonical(filename: str) -> str:
    """The file's identity: normalized name, canonical version (trailing zeros dropped), build
    tag and sorted tags for a wheel; name, version and archive format for an sdist. A name that
    does not parse (refused before it is stored) is its own identity."""
    from packaging.utils import (
        InvalidSdistFilename,
        InvalidWheelFilename,
        canonicalize_version,
        parse_sdist_filename,
        parse_wheel_filename,
    )

    try:
        if filename.endswith(".whl"):
            name, version, build, tags = parse_wheel_filename(filename)
            built = "" if not build else f"{build[0]}{build[1]}"
            return f"{name} {canonicalize_version(version)} {built} {'.'.join(sorted(map(str, tags)))} wheel"
        name, version = parse_sdist_filename(filename)
        kind = "zip" if filename.lower().endswith(".zip") else "tar.gz"
        return f"{name} {canonicalize_version(version)} sdist {kind}"
    except (InvalidWheelFilename, InvalidSdistFilename):
        return filename

