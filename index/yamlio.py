"""Reading YAML: libyaml's C loader when PyYAML was built with it, else the pure-Python one.

The C loader parses the speakers, lexicon and off-topic files ~5-10x faster; on a cold
``quotebot ask`` that is ~0.1 s of ~1.7 s. Both are safe loaders: plain data, no tags.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, on the C loader when there is one (raises ``yaml.YAMLError``)."""
    return yaml.load(text, Loader=_LOADER)
